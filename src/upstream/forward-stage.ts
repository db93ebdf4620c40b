import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config, TimeoutsConfig } from '../config/schema.js';
import { ERROR_CLASSES, type ErrorClass } from '../errors/classes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayErrorCode } from '../errors/classes.js';
import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext, RouteTarget } from '../pipeline/context.js';
import type { Breakers } from '../resilience/breakers.js';
import { Deadline, DeadlineExceeded, timedChildSignal } from '../resilience/deadlines.js';
import { decideRetry } from '../resilience/retry-policy.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import { AttemptFailure, runAttempt } from './attempt.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { UpstreamRegistry, UpstreamResponse } from './pools.js';
import { decodedBody } from './decode.js';
import { relayBody } from './relay.js';
import type { SecretScrubber } from './secrets.js';
import { bodyForTarget, type PreparedBody } from './request-body.js';

export interface ForwardDeps {
  readonly upstreams: UpstreamRegistry;
  readonly breakers: Breakers;
  readonly retryBudgets: ReadonlyMap<string, RetryBudget>;
  readonly retry: Config['retry'];
  readonly recorder: Recorder;
  /** Gateway keys are in use: the client's Authorization is a gateway key and never goes upstream. */
  readonly gatewayKeys: boolean;
  readonly maxSseEventBytes: number;
  /** Configured secrets out of upstream error answers. */
  readonly scrubber: SecretScrubber;
}

/** Gateway error code answering a final failure that has no upstream answer to pass through. */
const CODE_FOR_CLASS: Partial<Record<ErrorClass, GatewayErrorCode>> = {
  timeout: 'timeout',
  circuit_open: 'circuit_open',
  network: 'upstream_unreachable',
  upstream_5xx: 'upstream_error',
  client_closed: 'client_closed',
};

/**
 * The plan walk: for each target, for each try: breaker -> attempt -> classify -> retry policy.
 * The first good status and headers are the commit point; after it nothing is retried.
 */
export function forwardStage(deps: ForwardDeps) {
  return async function forward(ctx: RequestContext, _next: Next): Promise<void> {
    const first = ctx.plan[0]!;
    const deadline = new Deadline(ctx.startedAt, first.timeouts?.totalMs ?? deps.upstreams.get(first.upstream).config.timeouts.totalMs);
    const total = timedChildSignal(ctx.clientSignal, deadline.remainingMs(), () => new DeadlineExceeded());
    const signal = total.signal;
    try {
      let failure: AttemptFailure | undefined;
      let previous: RouteTarget | undefined;
      for (const target of ctx.plan) {
        if (previous !== undefined && failure !== undefined) deps.recorder.fallback(ctx, previous.upstream, target.upstream, failure.errorClass);
        failure = await tryTarget(deps, ctx, target, deadline, signal);
        if (failure === undefined) return;
        previous = target;
        if (!ERROR_CLASSES[failure.errorClass].fallback || deadline.expired() || ctx.clientSignal.aborted) break;
      }
      answerFailure(ctx, failure!, deps.scrubber);
    } finally {
      total.clear();
    }
  };
}

/** Tries one target until it commits (undefined) or gives up (the last failure). */
async function tryTarget(deps: ForwardDeps, ctx: RequestContext, target: RouteTarget, deadline: Deadline, signal: AbortSignal): Promise<AttemptFailure | undefined> {
  const upstream = deps.upstreams.get(target.upstream);
  const budget = deps.retryBudgets.get(target.upstream);
  const prepared = bodyForTarget(ctx, target.model);
  const timeouts = attemptTimeouts(upstream.config.timeouts, target, ctx.request?.stream === true);
  budget?.recordRequest(Date.now());
  let last: AttemptFailure | undefined;
  for (let attemptsHere = 1; ; attemptsHere++) {
    // The circuit may open between two tries of this very request: then the upstream's own last answer
    // says more than "circuit open" and is what the client (or the fallback reason) gets.
    if (deps.breakers.state(target.upstream) === 'open') {
      if (last !== undefined) return last;
      ctx.result.upstream = target.upstream; // whose circuit refused, for the header and the log
      return new AttemptFailure('circuit_open');
    }
    ctx.result.attempts += 1;
    ctx.result.upstream = target.upstream;
    ctx.result.targetModel = target.model;
    const attempt = deps.recorder.attemptStarted(ctx, target.upstream, ctx.result.attempts);
    const sentAt = performance.now();
    let response: UpstreamResponse;
    try {
      response = await deps.breakers.fire(target.upstream, () =>
        runAttempt(deps.upstreams, upstream, {
          method: ctx.req.method ?? 'POST',
          path: ctx.path + queryOf(ctx.req.url),
          headers: upstreamRequestHeaders(ctx.req.headers, upstream, attempt.traceparent, deps.gatewayKeys),
          body: prepared.body,
          signal,
          headersTimeoutMs: Math.max(1, Math.min(timeouts.firstByteMs ?? deadline.remainingMs(), deadline.remainingMs())),
          idleTimeoutMs: timeouts.idleMs,
          stream: ctx.request?.stream === true,
        }),
      );
    } catch (error) {
      ctx.result.upstreamMs += performance.now() - sentAt;
      const failure = error instanceof AttemptFailure ? error : new AttemptFailure(classOf(error), { cause: error });
      if (failure.errorClass === 'circuit_open') ctx.result.attempts -= 1; // no traffic was sent
      deps.recorder.attemptFinished(ctx, attempt, failure.errorClass, failure.status);
      if (failure.errorClass === 'client_closed') return failure;
      if (failure.errorClass === 'circuit_open') return last ?? failure;
      last = failure;
      const decision = decideRetry(deps.retry, {
        errorClass: failure.errorClass,
        status: failure.status,
        attemptsMade: attemptsHere,
        hintMs: failure.hintMs,
        remainingMs: deadline.remainingMs(),
        budgetAllows: budget === undefined || budget.hasRoom(Date.now()),
        random: Math.random(),
      });
      if (!decision.retry) return failure;
      budget?.recordRetry(Date.now());
      deps.recorder.retryScheduled(ctx, target.upstream, failure.errorClass, decision.delayMs);
      try {
        await sleep(decision.delayMs, undefined, { signal });
      } catch {
        return new AttemptFailure(ctx.clientSignal.aborted ? 'client_closed' : 'timeout');
      }
      continue;
    }
    await commit(ctx, response, prepared, signal, deps, attempt.upstream, timeouts.idleMs);
    ctx.result.upstreamMs += performance.now() - sentAt;
    deps.recorder.attemptFinished(ctx, attempt, ctx.result.errorClass ?? 'success', response.statusCode);
    return undefined;
  }
}

/** Sends the upstream's status and headers: from here on the answer is the client's. */
async function commit(ctx: RequestContext, response: UpstreamResponse, prepared: PreparedBody, signal: AbortSignal, deps: ForwardDeps, upstream: string, idleMs: number): Promise<void> {
  const { res, result } = ctx;
  recordUpstreamRateLimits(deps.recorder, upstream, response.headers);
  const plain = decodedBody(response.headers, response.body);
  const headers = clientResponseHeaders(response.headers, prepared.injectedUsage || plain.decoded);
  if (plain.decoded) delete headers['content-encoding'];
  Object.assign(headers, ctx.rateLimitHeaders);
  headers['x-request-id'] = ctx.id;
  headers['x-breakwater-upstream'] = upstream;
  headers['x-breakwater-attempts'] = String(result.attempts);
  result.status = response.statusCode;
  result.committed = true;
  res.writeHead(response.statusCode, headers);
  await relayBody(ctx, response, plain.body, { stripInjectedUsage: prepared.injectedUsage, signal, idleMs, maxEventBytes: deps.maxSseEventBytes });
}

/** No target committed: pass the last upstream answer through, or answer with our own error. */
function answerFailure(ctx: RequestContext, failure: AttemptFailure, scrubber: SecretScrubber): void {
  ctx.result.errorClass = failure.errorClass;
  if (failure.status !== undefined && failure.headers !== undefined && failure.body !== undefined) {
    const headers = scrubber.headers(clientResponseHeaders(failure.headers, false));
    const body = scrubber.body(failure.body);
    headers['content-length'] = String(body.length);
    Object.assign(headers, ctx.rateLimitHeaders);
    headers['x-request-id'] = ctx.id;
    headers['x-breakwater-upstream'] = ctx.result.upstream ?? '';
    headers['x-breakwater-attempts'] = String(ctx.result.attempts);
    headers['x-breakwater-error'] = failure.errorClass;
    ctx.result.status = failure.status;
    ctx.res.writeHead(failure.status, headers);
    ctx.res.end(body);
    return;
  }
  const code = CODE_FOR_CLASS[failure.errorClass] ?? 'internal_error';
  throw new GatewayError(code, messageFor(failure.errorClass, ctx), failure.errorClass === 'circuit_open' ? { retryAfterSeconds: 1 } : {});
}

function messageFor(errorClass: ErrorClass, ctx: RequestContext): string {
  const where = ctx.result.upstream === undefined ? 'the upstream' : `upstream "${ctx.result.upstream}"`;
  switch (errorClass) {
    case 'timeout': return `${where} did not answer in time`;
    case 'circuit_open': return `${where} is failing and its circuit is open; no fallback is left`;
    case 'network': return `${where} is unreachable`;
    case 'client_closed': return 'client closed the request';
    default: return `${where} failed`;
  }
}

function recordUpstreamRateLimits(recorder: Recorder, upstream: string, headers: UpstreamResponse['headers']): void {
  const requests = headers['x-ratelimit-remaining-requests'];
  const tokens = headers['x-ratelimit-remaining-tokens'];
  if (typeof requests === 'string') recorder.upstreamRateLimitRemaining(upstream, 'requests', Number(requests));
  if (typeof tokens === 'string') recorder.upstreamRateLimitRemaining(upstream, 'tokens', Number(tokens));
}

function classOf(error: unknown): ErrorClass {
  return (error as { code?: unknown } | null)?.code === 'EOPENBREAKER' ? 'circuit_open' : 'internal';
}

/**
 * One attempt's deadlines: the route's over the upstream's. A streamed call's headers come at once,
 * so `firstByteMs` bounds them; a non-stream call's come with the finished answer, so only
 * `nonStreamFirstByteMs` (when set) or the total deadline does.
 */
function attemptTimeouts(upstream: TimeoutsConfig, target: RouteTarget, stream: boolean): { firstByteMs: number | undefined; idleMs: number } {
  const route = target.timeouts;
  return {
    firstByteMs: stream ? (route?.firstByteMs ?? upstream.firstByteMs) : (route?.nonStreamFirstByteMs ?? upstream.nonStreamFirstByteMs),
    idleMs: route?.idleMs ?? upstream.idleMs,
  };
}

function queryOf(url: string | undefined): string {
  if (url === undefined) return '';
  const index = url.indexOf('?');
  return index === -1 ? '' : url.slice(index);
}
