import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/schema.js';
import { codeForClass, ERROR_CLASSES, type ErrorClass } from '../errors/classes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext, RouteTarget } from '../pipeline/context.js';
import { Deadline, DeadlineExceeded, timedChildSignal } from '../resilience/deadlines.js';
import { decideRetry } from '../resilience/retry-policy.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import { passUpstreamError } from '../server/reply.js';
import { AttemptFailure } from './attempt-failure.js';
import type { AttemptUnit, TargetPlan } from './attempt.js';
import { clientResponseHeaders } from './headers.js';
import type { UpstreamRegistry } from './pools.js';
import { bodyForTarget } from './request-body.js';
import type { SecretScrubber } from './secrets.js';

const NEVER = new AbortController().signal;

export interface ForwardDeps {
  readonly attempts: Pick<AttemptUnit, 'try'>;
  readonly upstreams: Pick<UpstreamRegistry, 'get'>;
  readonly retryBudgets: ReadonlyMap<string, RetryBudget>;
  readonly retry: Config['retry'];
  readonly recorder: Pick<Recorder, 'retryScheduled' | 'fallback'>;
  /** Configured secrets out of upstream error answers. */
  readonly scrubber: SecretScrubber;
}

/**
 * The plan walk: for each target, for each try: attempt -> retry policy. The first good status and
 * headers are the commit point (the attempt unit's `commit()`); after it nothing is retried.
 */
export function forwardStage(deps: ForwardDeps) {
  return async function forward(ctx: RequestContext, _next: Next): Promise<void> {
    const first = ctx.plan[0]!;
    const deadline = new Deadline(ctx.startedAt, first.timeouts?.totalMs ?? deps.upstreams.get(first.upstream).config.timeouts.totalMs);
    // `finish`: the upstream call outlives its client (only the deadline ends it).
    const parent = ctx.onClientDisconnect === 'finish' ? NEVER : ctx.clientSignal;
    const total = timedChildSignal(parent, deadline.remainingMs(), () => new DeadlineExceeded());
    try {
      let failure: AttemptFailure | undefined;
      for (let index = 0; index < ctx.plan.length; index++) {
        const target = ctx.plan[index]!;
        if (failure !== undefined) deps.recorder.fallback(ctx, ctx.plan[index - 1]!.upstream, target.upstream, failure.errorClass);
        failure = await tryTarget(deps, ctx, target, deadline, total.signal);
        if (failure === undefined) return;
        if (!ERROR_CLASSES[failure.errorClass].fallback || deadline.expired() || parent.aborted) break;
      }
      answerFailure(ctx, failure!, deps.scrubber);
    } finally {
      total.clear();
    }
  };
}

/** Tries one target until it commits (undefined) or gives up (the last failure). */
async function tryTarget(deps: ForwardDeps, ctx: RequestContext, target: RouteTarget, deadline: Deadline, signal: AbortSignal): Promise<AttemptFailure | undefined> {
  const plan = targetPlan(deps, ctx, target);
  const budget = deps.retryBudgets.get(target.upstream);
  budget?.recordRequest(Date.now());
  let last: AttemptFailure | undefined;
  for (let attemptsHere = 1; ; attemptsHere++) {
    const outcome = await deps.attempts.try(ctx, plan, deadline, signal);
    if (!(outcome instanceof AttemptFailure)) {
      await outcome.commit();
      return undefined;
    }
    if (outcome.errorClass === 'client_closed') return outcome;
    // The circuit may open between two tries of this very request: then the upstream's own last answer
    // says more than "circuit open" and is what the client (or the fallback reason) gets.
    if (outcome.errorClass === 'circuit_open') return last ?? outcome;
    last = outcome;
    const decision = decideRetry(deps.retry, {
      errorClass: outcome.errorClass,
      status: outcome.status,
      attemptsMade: attemptsHere,
      hintMs: outcome.hintMs,
      remainingMs: deadline.remainingMs(),
      budgetAllows: budget === undefined || budget.hasRoom(Date.now()),
      random: Math.random(),
    });
    if (!decision.retry) return outcome;
    budget?.recordRetry(Date.now());
    deps.recorder.retryScheduled(ctx, target.upstream, outcome.errorClass, decision.delayMs);
    const sleptFrom = performance.now();
    try {
      await sleep(decision.delayMs, undefined, { signal });
    } catch {
      return new AttemptFailure(signal.reason instanceof DeadlineExceeded ? 'timeout' : 'client_closed');
    } finally {
      ctx.waits.backoffMs += performance.now() - sleptFrom;
    }
  }
}

/**
 * What every try on a target shares. Deadlines: the route's over the upstream's. A streamed call's
 * headers come at once, so `firstByteMs` bounds them; a non-stream call's come with the finished
 * answer, so only `nonStreamFirstByteMs` (when set) or the total deadline does.
 */
function targetPlan(deps: ForwardDeps, ctx: RequestContext, target: RouteTarget): TargetPlan {
  const upstream = deps.upstreams.get(target.upstream);
  const own = upstream.config.timeouts;
  const route = target.timeouts;
  const stream = ctx.request?.stream === true;
  return {
    target,
    upstream,
    body: bodyForTarget(ctx, target.model),
    firstByteMs: stream ? (route?.firstByteMs ?? own.firstByteMs) : (route?.nonStreamFirstByteMs ?? own.nonStreamFirstByteMs),
    idleMs: route?.idleMs ?? own.idleMs,
  };
}

/** No target committed: pass the last upstream answer through, or answer with the gateway's own error. */
function answerFailure(ctx: RequestContext, failure: AttemptFailure, scrubber: SecretScrubber): void {
  if (failure.status !== undefined && failure.headers !== undefined && failure.body !== undefined) {
    passUpstreamError(ctx, failure.errorClass, failure.status, scrubber.headers(clientResponseHeaders(failure.headers, true)), scrubber.body(failure.body));
    return;
  }
  throw new GatewayError(codeForClass(failure.errorClass), messageFor(failure.errorClass, ctx), failure.errorClass === 'circuit_open' ? { retryAfterSeconds: 1 } : {});
}

function messageFor(errorClass: ErrorClass, ctx: RequestContext): string {
  const where = ctx.upstream.name === undefined ? 'the upstream' : `upstream "${ctx.upstream.name}"`;
  switch (errorClass) {
    case 'timeout': return `${where} did not answer in time`;
    case 'circuit_open': return `${where} is failing and its circuit is open; no fallback is left`;
    case 'network': return `${where} is unreachable`;
    case 'client_closed': return 'client closed the request';
    default: return `${where} failed`;
  }
}
