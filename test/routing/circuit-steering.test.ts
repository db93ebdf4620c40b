import { beforeAll, describe, expect, it } from 'vitest';
import { circuitStates } from '../resilience/harness.ts';
import { call, chats, eventually, fakeUpstream, gateway, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the circuit of one target of a weighted route is open', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    a = await fakeUpstream();
    b = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ a, b }, { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 }),
      routes: [{ match: 'gpt-*', strategy: 'weighted', targets: [{ upstream: 'a' }, { upstream: 'b' }] }],
      retry: { maxAttempts: 1 },
    });
    a.script('down', [{ status: 503 }]);
  });

  it('then new calls are steered to the other target: the open one is never drawn first and sees no traffic', async () => {
    // Calls drawn to a fail there (and fall back to b) until a's circuit opens.
    await eventually(async () => {
      await call(gw, { headers: { 'x-fake-scenario': 'down' } });
      return (await circuitStates(gw)).a === 'open';
    }, 10_000, "a's circuit to open");
    const traffic = chats(a);
    const before = { a: await metric(gw, 'breakwater_route_selections_total', { upstream: 'a' }), b: await metric(gw, 'breakwater_route_selections_total', { upstream: 'b' }) };
    const fallbacksBefore = await metric(gw, 'breakwater_fallbacks_total');
    const lines = (await waitForAccessLines(gw, 1)).length;

    for (let i = 0; i < 30; i++) {
      const answer = await call(gw);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-breakwater-upstream')).toBe('b');
      expect(answer.headers.get('x-breakwater-attempts')).toBe('1');
    }
    await waitForAccessLines(gw, lines + 30);
    expect(chats(a)).toBe(traffic);
    // Steered, not failed over: b is the first choice, no fallback with reason circuit_open.
    expect(await metric(gw, 'breakwater_route_selections_total', { upstream: 'a' })).toBe(before.a);
    expect(await metric(gw, 'breakwater_route_selections_total', { upstream: 'b' })).toBe(before.b + 30);
    expect(await metric(gw, 'breakwater_fallbacks_total')).toBe(fallbacksBefore);
  });
});
