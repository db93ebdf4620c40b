import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, logsWith, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream answers 429 with Retry-After: 1', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER }], retry: FAST_RETRY });
    fake.script('limited', [{ status: 429, retryAfter: '1' }, { status: 200 }]);
  });

  it('then the gateway waits at least 1 s before the retry, which succeeds', async () => {
    const started = performance.now();
    const { response } = await sdk(gw, { 'x-fake-scenario': 'limited' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    expect(response.headers.get('x-breakwater-attempts')).toBe('2');
    expect(fake.requests).toHaveLength(2);
    const gap = fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(6_000);
    await waitForAccessLines(gw, 1);
    expect(logsWith(gw, 'retry scheduled')).toMatchObject([{ reason: 'rate_limited', delay_ms: 1_000, upstream: 'a' }]);
  });
});
