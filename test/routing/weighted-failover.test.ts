import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a weighted route draws a target that fails', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    a = await fakeUpstream();
    b = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ a, b }),
      routes: [{ match: 'gpt-*', strategy: 'weighted', targets: [{ upstream: 'a' }, { upstream: 'b' }] }],
      retry: { maxAttempts: 1 },
    });
    // Only a fails: its script answers 503 to the scenario, b answers it normally.
    a.script('down', [{ status: 503 }]);
  });

  it('then the target not drawn is its fallback: every call is served, those drawn to a after one failed try', async () => {
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await call(gw, { headers: { 'x-fake-scenario': 'down' } }));
    expect(answers.every((answer) => answer.status === 200 && answer.headers.get('x-breakwater-upstream') === 'b')).toBe(true);
    const drawnToA = answers.filter((answer) => answer.headers.get('x-breakwater-attempts') === '2').length;
    const drawnToB = answers.filter((answer) => answer.headers.get('x-breakwater-attempts') === '1').length;
    expect(drawnToA + drawnToB).toBe(40);
    // A fair coin 40 times: both sides come up (a miss on either has odds of 1 in 10^12).
    expect(drawnToA).toBeGreaterThan(0);
    expect(drawnToB).toBeGreaterThan(0);
    expect(chats(a)).toBe(drawnToA);
    expect(chats(b)).toBe(40);
    await waitForAccessLines(gw, 40);
    // The first choice is the selection; the move to b is a fallback.
    expect(await metric(gw, 'breakwater_route_selections_total', { route: 'gpt-*', upstream: 'a' })).toBe(drawnToA);
    expect(await metric(gw, 'breakwater_route_selections_total', { route: 'gpt-*', upstream: 'b' })).toBe(drawnToB);
    expect(await metric(gw, 'breakwater_fallbacks_total', { from_upstream: 'a', to_upstream: 'b', reason: 'upstream_5xx' })).toBe(drawnToA);
  });
});
