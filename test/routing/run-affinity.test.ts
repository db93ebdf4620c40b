import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

/*
 * The run id comes from `x-breakwater-run-id` through a stand-in for the runs stage (to come), which
 * the runs issue replaces; routing reads only `ctx.runId`.
 */
describe('when a weighted route keeps runs on their target (affinity: run)', () => {
  let fakes: Record<string, FakeUpstream>;
  let gw: RunningGateway;
  beforeAll(async () => {
    fakes = { a: await fakeUpstream(), b: await fakeUpstream() };
    gw = await gateway({
      upstreams: upstreamsOf(fakes),
      routes: [{ match: 'gpt-*', strategy: 'weighted', affinity: 'run', targets: [{ upstream: 'a' }, { upstream: 'b' }] }],
      retry: { maxAttempts: 1 },
    });
  });

  const served = async (run: string, headers: Record<string, string> = {}): Promise<string> => {
    const answer = await call(gw, { headers: { 'x-breakwater-run-id': run, ...headers } });
    expect(answer.status).toBe(200);
    return answer.headers.get('x-breakwater-upstream') ?? '';
  };

  it('then every call of a run is served by the upstream its first call went to, and runs spread over both', async () => {
    const homes = new Set<string>();
    for (let run = 0; run < 20; run++) {
      const first = await served(`run-${run}`);
      for (let i = 0; i < 4; i++) expect(await served(`run-${run}`)).toBe(first);
      homes.add(first);
    }
    // 20 runs on a fair coin: all on one side has odds of 1 in 500,000.
    expect([...homes].sort()).toEqual(['a', 'b']);
  });

  it('then a run whose upstream failed moves to the one that served it, and stays there', async () => {
    const home = await served('moving-run');
    const other = home === 'a' ? 'b' : 'a';
    // Its home fails this call (its script answers 503); the other target serves it as the fallback.
    fakes[home]!.script('down', [{ status: 503 }]);
    expect(await served('moving-run', { 'x-fake-scenario': 'down' })).toBe(other);
    const homeCalls = chats(fakes[home]!);
    // Its old home is healthy again, but the run's prompt is now warm on the other one.
    for (let i = 0; i < 5; i++) expect(await served('moving-run')).toBe(other);
    expect(chats(fakes[home]!)).toBe(homeCalls);
  });
});
