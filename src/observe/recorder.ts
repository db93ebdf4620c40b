import type { ErrorClass } from '../errors/classes.js';
import type { CircuitState } from '../resilience/breakers.js';
import type { CacheResult, PolicyAction, RequestContext } from '../pipeline/context.js';

/** One upstream attempt under way: its client span and timings live behind this handle. */
export interface AttemptHandle {
  readonly upstream: string;
  readonly number: number;
  readonly startedAt: number;
  /** W3C traceparent naming the attempt's client span, sent upstream. */
  readonly traceparent: string | undefined;
}

export type AttemptOutcome = 'success' | ErrorClass;

/** How a call with an Idempotency-Key was served: run, replayed, attached to the same call under way, refused (another body), or run unchecked (shared state down, failOpen). */
export type IdempotencyOutcome = 'executed' | 'replayed' | 'attached' | 'conflict' | 'unchecked';

/** A detached call accepted, or the status it ended with (`lost`: its replica died; reported `failed` with `call_lost`). */
export type DetachedEvent = 'accepted' | 'succeeded' | 'failed' | 'cancelled' | 'lost';

/**
 * Domain verbs of instrumentation. Only observe/ knows how they become metrics, spans and logs;
 * the request path calls these and nothing else.
 */
export interface Recorder {
  requestStarted(ctx: RequestContext): void;
  attemptStarted(ctx: RequestContext, upstream: string, number: number): AttemptHandle;
  attemptFinished(ctx: RequestContext, attempt: AttemptHandle, outcome: AttemptOutcome, status: number | undefined): void;
  retryScheduled(ctx: RequestContext, upstream: string, reason: ErrorClass, delayMs: number): void;
  fallback(ctx: RequestContext, from: string, to: string, reason: ErrorClass): void;
  /** Called exactly once per request, at its real end (after the stream). */
  requestFinished(ctx: RequestContext): void;
  circuitChanged(upstream: string, state: CircuitState): void;
  /** This attempt's own outcome moved its upstream's circuit: recorded on its spans. */
  circuitChangedDuring(attempt: AttemptHandle, state: CircuitState): void;
  rateLimited(keyName: string, limit: 'rpm' | 'tpm' | 'concurrency' | 'budget' | 'run_budget' | 'run_calls'): void;
  queueDepth(keyName: string, depth: number): void;
  /** A request left the concurrency queue (served, timed out or gone) after waiting `seconds`. */
  queueWaited(keyName: string, seconds: number): void;
  upstreamRateLimitRemaining(upstream: string, resource: 'requests' | 'tokens', remaining: number): void;
  budgetState(keyName: string, spentUsd: number, limitUsd: number): void;
  /** A call was served that could not be priced: `model` is the one asked of the upstream. */
  unpricedCall(model: string): void;
  stateStoreUp(up: boolean): void;
  /** A call started a new agent run (exactly once per run across replicas). */
  runStarted(key: string, source: string): void;
  /** A run ended (exactly once per run across replicas): its totals. */
  runEnded(key: string, run: { readonly calls: number; readonly costUsd: number; readonly durationSeconds: number } | undefined): void;
  /** The request's history ends in an agent loop; `action` is what the gateway did about it. */
  agentLoop(ctx: RequestContext, action: 'warn' | 'block', count: number): void;
  idempotency(outcome: IdempotencyOutcome): void;
  /** An answer was kept under its Idempotency-Key: `bytes` of shared state. */
  idempotencyStored(bytes: number): void;
  detachedCall(event: DetachedEvent): void;
  /** A detached call started (+1) or ended (-1) on this replica. */
  detachedRunning(delta: 1 | -1): void;
  /** The route's strategy chose `upstream` to try first (fallbacks are counted as fallbacks). */
  routeSelected(route: string, upstream: string): void;
  /** A key or route policy acted on a request. */
  policyApplied(route: string, action: PolicyAction): void;
  /** The response cache answered a call of a caching route; a hit names the stored answer's model (`ctx.cache` holds its cost). */
  cacheAnswered(ctx: RequestContext, result: CacheResult, model: string | undefined): void;
}

/** Told of every finished request after metrics, spans and the access line (the console's live tail). */
export interface FinishedRequestListener {
  requestFinished(ctx: RequestContext): void;
}
