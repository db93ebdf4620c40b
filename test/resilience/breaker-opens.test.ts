import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { MESSAGES, circuitStates, fakeUpstream, gateway, logsWith, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when an upstream fails past the breaker threshold', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } }],
      retry: { maxAttempts: 1, baseDelayMs: 10 },
    });
  });

  it('then the circuit opens and the next request fails fast with 503 circuit_open, without touching the upstream', async () => {
    const client = sdk(gw, { 'x-fake-status': '503' });
    for (let i = 0; i < 3; i++) {
      const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).catch((e: unknown) => e);
      expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('x-breakwater-error')).toBe('upstream_5xx');
    }
    expect(fake.requests).toHaveLength(3);
    expect(await circuitStates(gw)).toEqual({ a: 'open' });

    const started = performance.now();
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.error).toMatchObject({ type: 'service_unavailable_error', code: 'circuit_open' });
    expect(apiError.headers?.get('x-breakwater-error')).toBe('circuit_open');
    expect(apiError.headers?.get('x-breakwater-attempts')).toBe('0');
    expect(apiError.headers?.get('x-breakwater-upstream')).toBe('a');
    expect(apiError.headers?.get('retry-after')).not.toBeNull();
    expect(elapsed).toBeLessThan(3_000);
    expect(fake.requests).toHaveLength(3);

    const lines = await waitForAccessLines(gw, 4);
    expect(lines[3]).toMatchObject({ status: 503, error_type: 'circuit_open', attempts: 0 });
    expect(logsWith(gw, 'circuit state changed')).toMatchObject([{ upstream: 'a', state: 'open' }]);
  });
});
