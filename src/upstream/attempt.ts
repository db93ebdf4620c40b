import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { classifyThrown } from '../errors/classify.js';
import type { AttemptHandle, Recorder } from '../observe/recorder.js';
import type { RequestContext, RouteTarget } from '../pipeline/context.js';
import { tapHeaders } from '../pipeline/taps.js';
import type { Breakers } from '../resilience/breakers.js';
import type { Deadline } from '../resilience/deadlines.js';
import { commitHead } from '../server/reply.js';
import { AttemptFailure } from './attempt-failure.js';
import { decodedBody } from './decode.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { Upstream, UpstreamRegistry, UpstreamResponse } from './pools.js';
import { relay } from './relay.js';
import { sendOnce } from './send.js';
import type { UpstreamLoad } from './upstream-load.js';

export interface AttemptDeps {
  readonly upstreams: UpstreamRegistry;
  readonly breakers: Breakers;
  readonly recorder: Recorder;
  /** In-flight counts and used-up rate limits per upstream, which routing reads. */
  readonly load: UpstreamLoad;
  /** Gateway keys are in use: the client's Authorization is a gateway key and never goes upstream. */
  readonly gatewayKeys: boolean;
  readonly maxSseEventBytes: number;
}

/** What every try on one target shares: worked out once by the plan walk. */
export interface TargetPlan {
  readonly target: RouteTarget;
  readonly upstream: Upstream;
  readonly body: Buffer;
  /** Response headers deadline per try (undefined: the total deadline only). */
  readonly firstByteMs: number | undefined;
  readonly idleMs: number;
}

/** A 2xx/3xx upstream answer, not yet the client's: commit it, or (nothing else to do) drop it. */
export interface UpstreamAnswer {
  readonly status: number;
  /** Head to the client (the commit point), then the body through the taps; resolves at the answer's end. */
  commit(): Promise<void>;
}

/**
 * ONE try against one target, and everything that happens per try: the circuit check and the
 * breaker call, the first-byte timer (`send.ts`), the attempt's span, in-flight gauge and counters
 * (the recorder), the headers sent upstream and passed back, and the time spent waiting on the
 * upstream. The plan walk (`forward-stage.ts`) decides what to do with the outcome.
 */
export class AttemptUnit {
  constructor(private readonly deps: AttemptDeps) {}

  async try(ctx: RequestContext, plan: TargetPlan, deadline: Deadline, signal: AbortSignal): Promise<UpstreamAnswer | AttemptFailure> {
    const { breakers, recorder } = this.deps;
    const name = plan.target.upstream;
    ctx.upstream.name = name; // who served, or whose circuit refused: for the header and the log
    ctx.upstream.model = plan.target.model;
    if (breakers.state(name) === 'open') return new AttemptFailure('circuit_open');
    const circuitBefore = breakers.state(name);
    let handle: AttemptHandle | undefined;
    const startedAt = performance.now();
    try {
      const response = await breakers.fire(name, () => {
        // Counted only once the breaker lets the try through: a refusal sends no traffic.
        ctx.upstream.attempts += 1;
        handle = recorder.attemptStarted(ctx, name, ctx.upstream.attempts);
        this.deps.load.attemptStarted(name);
        return sendOnce(this.deps.upstreams, plan.upstream, {
          method: ctx.req.method ?? 'POST',
          path: ctx.path + queryOf(ctx.req.url),
          headers: upstreamRequestHeaders(ctx.req.headers, plan.upstream, handle.traceparent, this.deps.gatewayKeys),
          body: plan.body,
          signal,
          headersTimeoutMs: Math.max(1, Math.min(plan.firstByteMs ?? deadline.remainingMs(), deadline.remainingMs())),
          idleTimeoutMs: plan.idleMs,
          stream: ctx.request?.stream === true,
        }, ctx.api.upstreamErrorCode);
      });
      ctx.upstream.waitedMs += performance.now() - startedAt;
      return { status: response.statusCode, commit: () => this.commit(ctx, plan, handle!, response, signal) };
    } catch (error) {
      ctx.upstream.waitedMs += performance.now() - startedAt;
      const failure = error instanceof AttemptFailure ? error : new AttemptFailure(classifyThrown(error), { cause: error });
      if (handle !== undefined) {
        // Before the attempt's span ends: the circuit moved on this very failure.
        const circuitAfter = breakers.state(name);
        if (circuitAfter !== circuitBefore) recorder.circuitChangedDuring(handle, circuitAfter);
        recorder.attemptFinished(ctx, handle, failure.errorClass, failure.status);
        this.deps.load.attemptFinished(name);
      }
      return failure;
    }
  }

  private async commit(ctx: RequestContext, plan: TargetPlan, handle: AttemptHandle, response: UpstreamResponse, signal: AbortSignal): Promise<void> {
    const startedAt = performance.now();
    this.recordRateLimits(plan.upstream.name, response.headers);
    const plain = decodedBody(response.headers, response.body);
    // A body the gateway changes (the hidden usage chunk, an inflated encoding) has no known length.
    const headers = clientResponseHeaders(response.headers, ctx.askUsage || plain.decoded);
    if (plain.decoded) delete headers['content-encoding'];
    commitHead(ctx, response.statusCode, headers);
    tapHeaders(ctx.taps, response.statusCode, headers);
    const stream = ctx.operation !== undefined && isEventStream(response.headers);
    const end = await relay(ctx, plain.body, { stream, signal, idleMs: plan.idleMs, maxEventBytes: this.deps.maxSseEventBytes });
    ctx.upstream.waitedMs += performance.now() - startedAt;
    this.deps.recorder.attemptFinished(ctx, handle, end.errorClass ?? 'success', response.statusCode);
    this.deps.load.attemptFinished(plan.upstream.name);
  }

  private recordRateLimits(upstream: string, headers: IncomingHttpHeaders): void {
    this.deps.load.rateLimits(upstream, headers);
    const requests = headers['x-ratelimit-remaining-requests'];
    const tokens = headers['x-ratelimit-remaining-tokens'];
    if (typeof requests === 'string') this.deps.recorder.upstreamRateLimitRemaining(upstream, 'requests', Number(requests));
    if (typeof tokens === 'string') this.deps.recorder.upstreamRateLimitRemaining(upstream, 'tokens', Number(tokens));
  }
}

function isEventStream(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type'];
  return typeof contentType === 'string' && contentType.includes('text/event-stream');
}

function queryOf(url: string | undefined): string {
  if (url === undefined) return '';
  const index = url.indexOf('?');
  return index === -1 ? '' : url.slice(index);
}
