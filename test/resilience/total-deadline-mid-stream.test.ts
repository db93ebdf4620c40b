import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, QUIET_BREAKER, fakeUpstream, gateway, rawChat, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the request deadline (totalMs) passes while a stream is still flowing', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER, timeouts: { totalMs: 1_500, idleMs: 5_000 } }],
      retry: FAST_RETRY,
    });
  });

  it('then the stream is cut at the deadline and ends with a timeout error event, not a clean end', async () => {
    // A 4 s stream against a 1.5 s deadline.
    const answer = await rawChat(gw, { 'x-fake-chunks': '40', 'x-fake-chunk-delay-ms': '100' }, { stream: true });
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(1_400);
    expect(answer.elapsedMs).toBeLessThan(3_900);
    expect(answer.text).toContain('tok0');
    expect(answer.text).not.toContain('[DONE]');
    const last = answer.text.split('\n\n').filter((block) => block.trim().length > 0).at(-1)!;
    expect(last.split('\n')[0]).toBe('event: error');
    expect(JSON.parse(last.split('\n')[1]!.slice('data: '.length))).toMatchObject({ error: { type: 'timeout_error', code: 'timeout' } });
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 200, attempts: 1, error_type: 'timeout', stream_outcome: 'upstream_error' });
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
  });
});
