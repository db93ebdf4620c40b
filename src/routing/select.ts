import type { RouteStrategy } from '../config/schema.js';
import type { RouteTarget } from '../pipeline/context.js';

/** What routing knows of an upstream's health and load right now. */
export interface TargetSignals {
  /** Its circuit is not open and it has not said its rate limit is used up. */
  healthy(upstream: string): boolean;
  /** Calls in flight to it from this replica. */
  inflight(upstream: string): number;
}

/**
 * The plan in the order it is tried: the chosen target first, the others as fallbacks.
 * - `fallback`: the configured order, always (an open circuit is skipped by the attempt itself and
 *   counted as a fallback, as before strategies existed).
 * - `weighted`: a healthy target drawn by weight; the other healthy ones follow in configured order.
 * - `least-inflight`: the healthy target with the fewest calls in flight (ties drawn by weight); the
 *   other healthy ones follow, least loaded first.
 * Under weighted and least-inflight, unhealthy targets go last (configured order): still worth a try
 * when every other one failed. `pinned` (run affinity) goes first while it is healthy.
 */
export function orderPlan(strategy: RouteStrategy, plan: readonly RouteTarget[], signals: TargetSignals, random: () => number, pinned?: string): readonly RouteTarget[] {
  if (strategy === 'fallback' || plan.length < 2) return pinFirst(plan, pinned, signals);
  const healthy = plan.filter((target) => signals.healthy(target.upstream));
  if (healthy.length === 0) return plan;
  const unhealthy = healthy.length === plan.length ? [] : plan.filter((target) => !healthy.includes(target));
  const rest = strategy === 'least-inflight' ? [...healthy].sort((a, b) => signals.inflight(a.upstream) - signals.inflight(b.upstream)) : healthy;
  const chosen = healthy.find((target) => target.upstream === pinned) ?? (strategy === 'weighted' ? drawByWeight(healthy, random) : leastInflight(healthy, signals, random));
  return [chosen, ...rest.filter((target) => target !== chosen), ...unhealthy];
}

/** Under `fallback` a pinned run still starts on its own target while it is healthy. */
function pinFirst(plan: readonly RouteTarget[], pinned: string | undefined, signals: TargetSignals): readonly RouteTarget[] {
  if (pinned === undefined || plan[0]?.upstream === pinned || !signals.healthy(pinned)) return plan;
  const chosen = plan.find((target) => target.upstream === pinned);
  return chosen === undefined ? plan : [chosen, ...plan.filter((target) => target !== chosen)];
}

/** A target drawn with probability weight / total; all at weight 0: the first. */
export function drawByWeight(targets: readonly RouteTarget[], random: () => number): RouteTarget {
  let total = 0;
  for (const target of targets) total += weightOf(target);
  if (total <= 0) return targets[0]!;
  let point = random() * total;
  for (const target of targets) {
    point -= weightOf(target);
    if (point < 0 && weightOf(target) > 0) return target;
  }
  return targets.findLast((target) => weightOf(target) > 0)!;
}

function leastInflight(targets: readonly RouteTarget[], signals: TargetSignals, random: () => number): RouteTarget {
  let least = Number.POSITIVE_INFINITY;
  for (const target of targets) least = Math.min(least, signals.inflight(target.upstream));
  return drawByWeight(targets.filter((target) => signals.inflight(target.upstream) === least), random);
}

function weightOf(target: RouteTarget): number {
  return target.weight ?? 1;
}
