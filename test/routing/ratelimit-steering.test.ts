import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, metric, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

describe("when one target of a weighted route says its own rate limit is used up", () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    a = await fakeUpstream();
    b = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ a, b }),
      routes: [{ match: 'gpt-*', strategy: 'weighted', targets: [{ upstream: 'a' }, { upstream: 'b' }] }],
    });
    // a answers, and says no requests are left in its window for the next 30 s (OpenAI's headers).
    a.script('last', [{ headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '30s' } }]);
  });

  it('then new calls are steered to the other target until the window resets', async () => {
    let servedByA = false;
    for (let i = 0; i < 60 && !servedByA; i++) servedByA = (await call(gw, { headers: { 'x-fake-scenario': 'last' } })).headers.get('x-breakwater-upstream') === 'a';
    expect(servedByA).toBe(true);
    expect(await metric(gw, 'breakwater_upstream_ratelimit_remaining', { upstream: 'a', resource: 'requests' })).toBe(0);
    const traffic = chats(a);
    for (let i = 0; i < 30; i++) expect((await call(gw)).headers.get('x-breakwater-upstream')).toBe('b');
    expect(chats(a)).toBe(traffic);
  });
});
