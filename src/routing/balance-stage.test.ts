import { describe, expect, it } from 'vitest';
import { testContext } from '../../test/helpers/context.ts';
import type { MatchedRoute, RouteTarget } from '../pipeline/context.js';
import { MemoryStore } from '../state/memory.js';
import { StateUnavailable, type Records, type StateStore } from '../state/store.js';
import { RunAffinity } from './affinity.js';
import { balanceStage } from './balance-stage.js';

const ROUTE: MatchedRoute = { label: 'gpt-*', strategy: 'weighted', affinity: 'run', policy: undefined, cache: undefined };
const PLAN: RouteTarget[] = [{ upstream: 'a', model: 'm' }, { upstream: 'b', model: 'm' }];
const HEALTHY = { healthy: () => true, inflight: () => 0 };

function setup(store: StateStore, draw: number) {
  const selected: string[] = [];
  const stage = balanceStage({ signals: HEALTHY, affinity: new RunAffinity(store), recorder: { routeSelected: (_route, upstream) => void selected.push(upstream) }, random: () => draw });
  const run = async (runId: string | undefined, serve: (first: string) => string | undefined): Promise<string> => {
    const ctx = testContext();
    ctx.route = ROUTE;
    ctx.plan = PLAN;
    ctx.run = runId === undefined ? undefined : { id: runId, source: 'header', loop: undefined };
    let first = '';
    await stage(ctx, async () => {
      first = ctx.plan[0]!.upstream;
      ctx.upstream.name = serve(first);
      ctx.reply.status = ctx.upstream.name === undefined ? 502 : 200;
    });
    return first;
  };
  return { run, selected };
}

describe('the balance stage', () => {
  it('when a run is served, then its next calls start on the upstream that served it, and each first choice is counted once', async () => {
    const { run, selected } = setup(new MemoryStore(), 0.9);
    expect(await run('r1', () => 'a')).toBe('b');
    expect(await run('r1', (first) => first)).toBe('a');
    expect(await run('r2', (first) => first)).toBe('b');
    expect(selected).toEqual(['b', 'a', 'b']);
  });

  it('when a call fails everywhere, then the run keeps its pin', async () => {
    const { run } = setup(new MemoryStore(), 0.9);
    await run('r1', () => 'a');
    await run('r1', () => undefined);
    expect(await run('r1', (first) => first)).toBe('a');
  });

  it('when shared state cannot answer, then calls are routed by the strategy alone and nothing fails', async () => {
    const down: Records = {
      get: () => Promise.reject(new StateUnavailable(new Error('down'))),
      set: () => Promise.reject(new StateUnavailable(new Error('down'))),
      delete: () => Promise.reject(new StateUnavailable(new Error('down'))),
    };
    const store = { records: () => down } as unknown as StateStore;
    const { run } = setup(store, 0.1);
    expect(await run('r1', () => 'b')).toBe('a');
    expect(await run('r1', (first) => first)).toBe('a');
  });
});
