import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, sdk, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream answers 503 with retry-after-ms: 400', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    // baseDelayMs 1 ms: any wait of 400 ms can only come from the hint.
    gw = await gateway({ upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER }], retry: { ...FAST_RETRY, baseDelayMs: 1 } });
    fake.script('hinted', [{ status: 503, retryAfterMs: 400, retryAfter: '30' }, { status: 200 }]);
  });

  it('then the retry waits the hinted 400 ms (and the ms hint wins over Retry-After)', async () => {
    const { response } = await sdk(gw, { 'x-fake-scenario': 'hinted' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-breakwater-attempts')).toBe('2');
    const gap = fake.requests[1]!.receivedAt - fake.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(400);
    expect(gap).toBeLessThan(5_000);
  });
});
