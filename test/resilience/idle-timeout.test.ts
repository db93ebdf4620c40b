import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const IDLE_MS = 300;

describe('when a committed stream goes quiet for longer than idleMs', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER, timeouts: { idleMs: IDLE_MS } }],
      retry: FAST_RETRY,
    });
  });

  it('then the stream ends with an error event the SDK throws, and is not retried', async () => {
    // The first event (the role chunk) comes at once; then each content chunk is 5 s away.
    const stream = await sdk(gw, { 'x-fake-chunk-delay-ms': '5000' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true });
    const roles: string[] = [];
    let firstChunkAt = 0;
    const error = await (async () => {
      for await (const chunk of stream) {
        firstChunkAt ||= performance.now();
        roles.push(chunk.choices[0]?.delta.role ?? '');
      }
    })().catch((e: unknown) => e);
    const elapsed = performance.now() - firstChunkAt;
    expect(roles).toEqual(['assistant']);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('idle_timeout');
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('timeout_error');
    expect(elapsed).toBeGreaterThanOrEqual(IDLE_MS - 50);
    expect(elapsed).toBeLessThan(4_000);
    expect(fake.requests).toHaveLength(1);
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 200, attempts: 1, stream_outcome: 'idle_timeout', error_type: 'timeout' });
  });
});
