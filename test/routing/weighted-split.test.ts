import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const CALLS = 400;

describe('when a weighted route gives its two targets weights 3 and 1', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    a = await fakeUpstream();
    b = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ a, b }),
      routes: [{ match: 'gpt-*', strategy: 'weighted', targets: [{ upstream: 'a', weight: 3 }, { upstream: 'b', weight: 1 }] }],
    });
  });

  it('then many calls split about 3:1, each served by its first choice and counted as a selection', async () => {
    const served: string[] = [];
    for (let batch = 0; batch < CALLS / 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => call(gw)));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.headers.get('x-breakwater-attempts')).toBe('1');
        served.push(answer.headers.get('x-breakwater-upstream') ?? '');
      }
    }
    const onA = served.filter((name) => name === 'a').length;
    const onB = served.filter((name) => name === 'b').length;
    expect(onA + onB).toBe(CALLS);
    // Binomial(400, 0.75): mean 300, sd 8.7; this band is more than five sd wide on each side.
    expect(onA).toBeGreaterThanOrEqual(255);
    expect(onA).toBeLessThanOrEqual(345);
    expect(chats(a)).toBe(onA);
    expect(chats(b)).toBe(onB);
    await waitForAccessLines(gw, CALLS);
    expect(await metric(gw, 'breakwater_route_selections_total', { route: 'gpt-*', upstream: 'a' })).toBe(onA);
    expect(await metric(gw, 'breakwater_route_selections_total', { route: 'gpt-*', upstream: 'b' })).toBe(onB);
    expect(await metric(gw, 'breakwater_fallbacks_total')).toBe(0);
  });
});
