import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ErrorClass } from '../errors/classes.js';
import type { RequestContext } from '../pipeline/context.js';
import type { CircuitState } from '../resilience/breakers.js';
import { writeAccessLog } from './access-log.js';
import type { AttemptHandle, AttemptOutcome, Recorder } from './recorder.js';

/** The Recorder: turns domain verbs into logs (and, in observe/, metrics and spans). */
export class Telemetry implements Recorder {
  constructor(private readonly logger: Logger) {}

  requestStarted(_ctx: RequestContext): void {}

  attemptStarted(_ctx: RequestContext, upstream: string, number: number): AttemptHandle {
    return { upstream, number, startedAt: performance.now(), traceparent: undefined };
  }

  attemptFinished(_ctx: RequestContext, _attempt: AttemptHandle, _outcome: AttemptOutcome, _status: number | undefined): void {}

  retryScheduled(ctx: RequestContext, upstream: string, reason: ErrorClass, delayMs: number): void {
    this.logger.debug({ request_id: ctx.id, upstream, reason, delay_ms: delayMs }, 'retry scheduled');
  }

  fallback(ctx: RequestContext, from: string, to: string, reason: ErrorClass): void {
    this.logger.info({ request_id: ctx.id, from_upstream: from, to_upstream: to, reason }, 'fallback');
  }

  requestFinished(ctx: RequestContext): void {
    writeAccessLog(this.logger, ctx, undefined, undefined);
  }

  circuitChanged(upstream: string, state: CircuitState): void {
    this.logger.warn({ upstream, state }, 'circuit state changed');
  }

  rateLimited(_keyName: string, _limit: 'rpm' | 'tpm' | 'concurrency' | 'budget'): void {}
  queueDepth(_keyName: string, _depth: number): void {}
  upstreamRateLimitRemaining(_upstream: string, _resource: 'requests' | 'tokens', _remaining: number): void {}
  budgetState(_keyName: string, _spentUsd: number, _limitUsd: number): void {}
  stateStoreUp(_up: boolean): void {}
}
