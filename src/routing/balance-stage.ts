import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import type { Pin, RunAffinity } from './affinity.js';
import { orderPlan, type TargetSignals } from './select.js';

export interface BalanceDeps {
  readonly signals: TargetSignals;
  readonly affinity: RunAffinity;
  readonly recorder: Pick<Recorder, 'routeSelected'>;
  /** Math.random, or a fixed one in tests. */
  readonly random?: () => number;
}

/**
 * Chooses the target a call tries first (the route's strategy, its run's pin) and keeps the others
 * as fallbacks. It runs just before forward, when the call is about to be sent: a cached or refused
 * call chooses nothing, and in-flight counts are as fresh as they can be. Under `affinity: run` the
 * run is pinned to the upstream that served this call (where its prompt is now warm). The pin is an
 * optimisation: when shared state cannot answer, the call is routed as if it had none (logged at
 * debug; the state store logs its own outage once).
 */
export function balanceStage(deps: BalanceDeps) {
  const random = deps.random ?? Math.random;
  return async function balance(ctx: RequestContext, next: Next): Promise<void> {
    const route = ctx.route!;
    // Runs belong to a key: the same id under two keys is two runs, pinned apart.
    const runId = route.affinity === 'run' && ctx.run !== undefined ? `${ctx.principal.name}\n${ctx.run.id}` : undefined;
    let pin: Pin | undefined;
    if (runId !== undefined) {
      pin = await deps.affinity.pinned(route.label, runId).catch((error: unknown) => {
        ctx.log.debug({ err: error, route: route.label }, 'routing: run affinity unavailable, routing without it');
        return undefined;
      });
    }
    ctx.plan = orderPlan(route.strategy, ctx.plan, deps.signals, random, pin?.upstream);
    deps.recorder.routeSelected(route.label, ctx.plan[0]!.upstream);
    await next();
    const served = ctx.upstream.name;
    if (runId === undefined || served === undefined || ctx.reply.status < 200 || ctx.reply.status >= 300) return;
    await deps.affinity.pin(route.label, runId, served, pin).catch((error: unknown) => {
      ctx.log.debug({ err: error, route: route.label }, 'routing: could not pin the run to its upstream');
    });
  };
}
