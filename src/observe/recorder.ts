import type { ErrorClass } from '../errors/classes.js';
import type { CircuitState } from '../resilience/breakers.js';
import type { RequestContext } from '../pipeline/context.js';

/** One upstream attempt under way: its client span and timings live behind this handle. */
export interface AttemptHandle {
  readonly upstream: string;
  readonly number: number;
  readonly startedAt: number;
  /** W3C traceparent naming the attempt's client span, sent upstream. */
  readonly traceparent: string | undefined;
}

export type AttemptOutcome = 'success' | ErrorClass;

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
  rateLimited(keyName: string, limit: 'rpm' | 'tpm' | 'concurrency' | 'budget'): void;
  queueDepth(keyName: string, depth: number): void;
  /** A request left the concurrency queue (served, timed out or gone) after waiting `seconds`. */
  queueWaited(keyName: string, seconds: number): void;
  upstreamRateLimitRemaining(upstream: string, resource: 'requests' | 'tokens', remaining: number): void;
  budgetState(keyName: string, spentUsd: number, limitUsd: number): void;
  /** A call was served that could not be priced: `model` is the one asked of the upstream. */
  unpricedCall(model: string): void;
  stateStoreUp(up: boolean): void;
}

/** Told of every finished request after metrics, spans and the access line (the console's live tail). */
export interface FinishedRequestListener {
  requestFinished(ctx: RequestContext): void;
}
