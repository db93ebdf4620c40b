import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.js';
import type { Config } from '../config/schema.js';
import type { ErrorClass } from '../errors/classes.js';
import type { CacheResult, PolicyAction, RequestContext } from '../pipeline/context.js';
import type { CircuitState } from '../resilience/breakers.js';
import { IMPLICIT_ROUTE_LABEL } from '../routing/route-table.js';
import { writeAccessLog } from './access-log.js';
import { createRedactor } from './logger.js';
import { safeUrl } from './safe-url.js';
import { Metrics, type LimitName } from './metrics.js';
import { ModelLabels, modelsNamedInRoutes } from './model-labels.js';
import type { AttemptHandle, AttemptOutcome, DetachedEvent, FinishedRequestListener, IdempotencyOutcome, Recorder } from './recorder.js';
import type { SpanRecorder } from './request-trace.js';
import { EVENT } from './semconv.js';
import { startTracing, tracingSettings, type Env, type Tracing, type TracingSettings } from './tracing.js';

export interface TelemetryOptions {
  readonly logger: Logger;
  readonly config: Pick<Config, 'upstreams' | 'routes' | 'telemetry'>;
  /** Model names of the price table: part of the bounded `model` label set. */
  readonly pricedModels: Iterable<string>;
  /** The process environment, passed in by main.ts; decides tracing (OTEL_*). */
  readonly env: Env;
  /** Configured secret values, redacted from (opt-in) prompt text on spans as in logs. */
  readonly secrets: readonly string[];
  /** prom-client default process metrics (default on). */
  readonly defaultMetrics?: boolean;
  /** Told of every finished request, after the metrics and the access line. */
  readonly listeners?: readonly FinishedRequestListener[];
}

/** Unpriced model names warned about once each; a client can send endless names, so the set is bounded. */
const MAX_UNPRICED_WARNED = 1_000;
const MAX_LOGGED_MODEL_CHARS = 256;

/** The Recorder: turns domain verbs into metrics, spans (when tracing is configured) and the access log. */
export class Telemetry implements Recorder {
  readonly metrics: Metrics;
  private readonly logger: Logger;
  private readonly settings: TracingSettings;
  private tracing: Tracing | undefined;
  /** Undefined while tracing is off: every span call is skipped, not made on a no-op. */
  private spans: SpanRecorder | undefined;
  private readonly unpricedWarned = new Set<string>();

  constructor(private readonly options: TelemetryOptions) {
    const { config } = options;
    this.logger = options.logger;
    const models = new ModelLabels([...modelsNamedInRoutes(config.routes), ...options.pricedModels, ...config.telemetry.modelLabels]);
    const selections = config.routes.length === 0
      ? [{ route: IMPLICIT_ROUTE_LABEL, upstream: config.upstreams[0]!.name }]
      : config.routes.flatMap((route) => route.targets.map((target) => ({ route: route.match, upstream: target.upstream })));
    const cachedRoutes = config.routes.filter((route) => route.cache !== undefined).map((route) => route.match);
    this.metrics = new Metrics({ upstreams: config.upstreams.map((u) => u.name), selections, cachedRoutes, models, defaultMetrics: options.defaultMetrics ?? true });
    this.settings = tracingSettings(options.env);
  }

  /** Starts the trace pipeline when the environment configures one; resolves once spans can be made. */
  async start(): Promise<void> {
    const { settings, options } = this;
    if (settings.enabled && this.tracing === undefined) {
      this.tracing = await startTracing(settings, {
        serviceName: options.env.OTEL_SERVICE_NAME === undefined ? options.config.telemetry.serviceName : undefined,
        upstreamUrls: new Map(options.config.upstreams.map((u) => [u.name, new URL(u.baseUrl)])),
        logPrompts: options.config.telemetry.logPrompts,
        redact: createRedactor(options.secrets),
      });
      this.spans = this.tracing.spans;
    }
    this.logger.info({ tracing: settings.enabled, reason: settings.reason, endpoint: settings.enabled ? safeEndpoint(settings.endpoint) : undefined, protocol: settings.enabled ? 'otlp/grpc' : undefined }, settings.enabled ? 'tracing on' : 'tracing off');
  }

  /** Exports the spans still buffered and stops the SDK. */
  async shutdown(): Promise<void> {
    const tracing = this.tracing;
    this.tracing = undefined;
    this.spans = undefined;
    await tracing?.shutdown();
  }

  renderMetrics(accept: string | undefined): Promise<{ contentType: string; body: string }> {
    return this.metrics.render(accept);
  }

  requestStarted(ctx: RequestContext): void {
    this.spans?.requestStarted(ctx);
  }

  attemptStarted(ctx: RequestContext, upstream: string, number: number): AttemptHandle {
    const startedAt = performance.now();
    this.metrics.attemptStarted(upstream);
    if (this.spans !== undefined) return this.spans.attemptStarted(ctx, upstream, number, startedAt);
    // Untraced, the gateway stays transparent: the client's own trace context reaches the upstream.
    const incoming = ctx.req.headers.traceparent;
    return { upstream, number, startedAt, traceparent: typeof incoming === 'string' ? incoming : undefined };
  }

  attemptFinished(_ctx: RequestContext, attempt: AttemptHandle, outcome: AttemptOutcome, status: number | undefined): void {
    this.metrics.attemptFinished(attempt.upstream, outcome);
    this.spans?.attemptFinished(attempt, outcome, status);
  }

  retryScheduled(ctx: RequestContext, upstream: string, reason: ErrorClass, delayMs: number): void {
    this.metrics.retryScheduled(upstream, reason);
    this.spans?.event(ctx, EVENT.retry, { 'breakwater.upstream': upstream, 'breakwater.reason': reason, 'breakwater.delay_ms': delayMs });
    ctx.log.debug({ upstream, reason, delay_ms: delayMs }, 'retry scheduled');
  }

  fallback(ctx: RequestContext, from: string, to: string, reason: ErrorClass): void {
    this.metrics.fallback(from, to, reason);
    this.spans?.event(ctx, EVENT.fallback, { 'breakwater.from_upstream': from, 'breakwater.to_upstream': to, 'breakwater.reason': reason });
    ctx.log.info({ from_upstream: from, to_upstream: to, reason }, 'fallback');
  }

  requestFinished(ctx: RequestContext): void {
    const totalSeconds = (performance.now() - ctx.startedAt) / 1000;
    let ids: ReturnType<SpanRecorder['requestFinished']>;
    try {
      ids = this.spans?.requestFinished(ctx);
      this.metrics.requestFinished(ctx, totalSeconds, ids?.sampled === true ? ids.traceId : undefined);
    } catch (error) {
      // Telemetry must never fail a request; a bug here is logged and the access line still written.
      ctx.log.error({ err: error }, 'telemetry error');
    }
    writeAccessLog(ctx, ids?.traceId ?? incomingTraceId(ctx), ids?.spanId);
    for (const listener of this.options.listeners ?? []) {
      try {
        listener.requestFinished(ctx);
      } catch (error) {
        ctx.log.error({ err: error }, 'request listener error');
      }
    }
  }

  circuitChanged(upstream: string, state: CircuitState): void {
    this.metrics.circuitChanged(upstream, state);
    this.logger.warn({ upstream, state }, 'circuit state changed');
  }

  circuitChangedDuring(attempt: AttemptHandle, state: CircuitState): void {
    this.spans?.circuitChangedDuring(attempt, state);
  }

  rateLimited(keyName: string, limit: LimitName): void {
    this.metrics.rateLimited(keyName, limit);
  }

  queueDepth(keyName: string, depth: number): void {
    this.metrics.queueDepth(keyName, depth);
  }

  queueWaited(keyName: string, seconds: number): void {
    this.metrics.queueWaited(keyName, seconds);
  }

  upstreamRateLimitRemaining(upstream: string, resource: 'requests' | 'tokens', remaining: number): void {
    this.metrics.upstreamRateLimitRemaining(upstream, resource, remaining);
  }

  budgetState(keyName: string, spentUsd: number, limitUsd: number): void {
    this.metrics.budgetState(keyName, spentUsd, limitUsd);
  }

  stateStoreUp(up: boolean): void {
    this.metrics.stateStoreUp(up);
  }

  runStarted(key: string, source: string): void {
    this.metrics.runStarted(key, source);
  }

  runEnded(key: string, run: { readonly calls: number; readonly costUsd: number; readonly durationSeconds: number } | undefined): void {
    this.metrics.runEnded(key, run);
  }

  agentLoop(ctx: RequestContext, action: 'warn' | 'block', count: number): void {
    this.metrics.agentLoop(ctx.principal.name, action);
    this.spans?.event(ctx, EVENT.agentLoop, { 'breakwater.loop.count': count, 'breakwater.loop.action': action });
    ctx.log.warn({ run_id: ctx.run?.id, count, action }, 'agent loop detected');
  }

  idempotency(outcome: IdempotencyOutcome): void {
    this.metrics.idempotency(outcome);
  }

  idempotencyStored(bytes: number): void {
    this.metrics.idempotencyStored(bytes);
  }

  detachedCall(event: DetachedEvent): void {
    this.metrics.detachedCall(event);
  }

  detachedRunning(delta: 1 | -1): void {
    this.metrics.detachedRunning(delta);
  }

  routeSelected(route: string, upstream: string): void {
    this.metrics.routeSelected(route, upstream);
  }

  policyApplied(route: string, action: PolicyAction): void {
    this.metrics.policyApplied(route, action);
  }

  cacheAnswered(ctx: RequestContext, result: CacheResult, model: string | undefined): void {
    this.metrics.cacheAnswered(ctx.route?.label ?? '', result);
    const saved = ctx.cache?.savedUsd;
    if (result === 'hit' && model !== undefined && saved !== undefined) this.metrics.cacheSaved(ctx.principal.name, model, saved);
  }

  unpricedCall(asked: string): void {
    this.metrics.unpricedCall(asked);
    // A client picks the name: the log gets a bounded number of bounded names.
    const model = asked.slice(0, MAX_LOGGED_MODEL_CHARS);
    if (this.unpricedWarned.has(model) || this.unpricedWarned.size > MAX_UNPRICED_WARNED) return;
    this.unpricedWarned.add(model);
    if (this.unpricedWarned.size > MAX_UNPRICED_WARNED) {
      this.logger.warn({ limit: MAX_UNPRICED_WARNED }, 'models without a price: too many names, no longer logging each (see breakwater_unpriced_requests_total)');
      return;
    }
    this.logger.warn({ model }, 'model without a price: its calls cost nothing in budgets and cost metrics; add it to pricing.models (or set pricing.onUnpriced: reject)');
  }
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/;

/** Untraced, the access line still carries the client's trace id, so logs join the caller's trace. */
function incomingTraceId(ctx: RequestContext): string | undefined {
  const header = ctx.req.headers.traceparent;
  if (typeof header !== 'string') return undefined;
  const id = TRACEPARENT.exec(header)?.[1];
  return id === undefined || id === '00000000000000000000000000000000' ? undefined : id;
}

/** The endpoint for the start-up line, without any credentials in it. */
function safeEndpoint(endpoint: string | undefined): string {
  return endpoint === undefined ? 'default (http://localhost:4317)' : safeUrl(endpoint);
}
