import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const FIRST_BYTE_MS = 300;

describe('when the upstream sends no headers within firstByteMs', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER, timeouts: { firstByteMs: FIRST_BYTE_MS } }],
      retry: { ...FAST_RETRY, maxAttempts: 3 },
    });
  });

  it('then each of the 3 attempts is cut at firstByteMs and the client gets 504 timeout in bound', async () => {
    const started = performance.now();
    const error = await sdk(gw, { 'x-fake-delay-ms': '5000' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(504);
    expect(apiError.error).toMatchObject({ type: 'timeout_error', code: 'timeout' });
    expect(apiError.headers?.get('x-breakwater-error')).toBe('timeout');
    expect(apiError.headers?.get('x-breakwater-attempts')).toBe('3');
    expect(elapsed).toBeGreaterThanOrEqual(3 * FIRST_BYTE_MS);
    // ~0.95 s expected. undici's own header timer has ~1 s resolution (3 attempts took > 3 s); ours is native.
    expect(elapsed).toBeLessThan(2_700);
    expect(fake.requests).toHaveLength(3);
    // The gateway gave up on the attempts: their sockets were closed, not left waiting 5 s.
    // The last socket's close reaches the fake just after the 504 reaches the client: wait for it.
    await expect.poll(() => fake.requests.every((request) => request.aborted), { timeout: 2_000 }).toBe(true);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 504, error_type: 'timeout', attempts: 3 });
  });
});
