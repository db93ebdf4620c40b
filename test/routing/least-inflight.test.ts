import { beforeAll, describe, expect, it } from 'vitest';
import { call, eventually, fakeUpstream, gateway, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a least-inflight route has a slow call in flight on one target', () => {
  let fakes: Record<string, FakeUpstream>;
  let gw: RunningGateway;
  beforeAll(async () => {
    fakes = { a: await fakeUpstream(), b: await fakeUpstream() };
    gw = await gateway({
      upstreams: upstreamsOf(fakes),
      routes: [{ match: 'gpt-*', strategy: 'least-inflight', targets: [{ upstream: 'a' }, { upstream: 'b' }] }],
    });
  });

  it('then the next calls go to the other target while it lasts', async () => {
    const slow = call(gw, { headers: { 'x-fake-delay-ms': '3000' } });
    await eventually(() => fakes.a!.requests.length + fakes.b!.requests.length === 1, 5_000, 'the slow call to reach an upstream');
    const busy = fakes.a!.requests.length === 1 ? 'a' : 'b';
    const idle = busy === 'a' ? 'b' : 'a';
    for (let i = 0; i < 5; i++) expect((await call(gw)).headers.get('x-breakwater-upstream')).toBe(idle);
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-breakwater-upstream')).toBe(busy);
  });
});
