import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type RegistryContentType } from 'prom-client';
import type { CacheResult, PolicyAction, RequestContext } from '../pipeline/context.js';
import type { CircuitState } from '../resilience/breakers.js';
import type { ModelLabels } from './model-labels.js';

/**
 * The Prometheus side of the Recorder. The one file importing prom-client. Names and labels are the
 * public contract (docs/metrics.md); dashboards and alert rules depend on them.
 */

/** LLM calls last from tens of milliseconds (embeddings, errors) to many minutes (long streams). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];
/** First tokens arrive from ~100 ms (small models) to a minute (reasoning models thinking first). */
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60];
/** Time queued for a concurrency slot: a few ms when a slot frees at once, up to limits.queueTimeoutMs (30 s by default). */
const QUEUE_WAIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Our own share of a request: sub-millisecond when healthy; the top buckets catch event-loop stalls. */
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** An agent run costs from a fraction of a cent to tens of dollars. */
const RUN_COST_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100];
/** Calls per run: one-shot tasks to agents that loop hundreds of times. */
const RUN_CALLS_BUCKETS = [1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000];
/** First to last call: seconds to hours. */
const RUN_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400];

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/** prom-client's metric objects carry their (mutable) name; its types do not say so. */
interface Named {
  name: string;
}

export type LimitName = 'rpm' | 'tpm' | 'concurrency' | 'budget' | 'run_budget' | 'run_calls';

export interface MetricsOptions {
  readonly upstreams: readonly string[];
  /** Every (route, upstream) pair a call can be sent to: their selection counters start at 0. */
  readonly selections?: ReadonlyArray<{ readonly route: string; readonly upstream: string }>;
  /** Routes with a response cache: their hit, miss and bypass counters start at 0. */
  readonly cachedRoutes?: readonly string[];
  readonly models: ModelLabels;
  /** prom-client's process and Node.js metrics; off only in unit tests that count series. */
  readonly defaultMetrics?: boolean;
}

export class Metrics {
  private readonly registry = new Registry<RegistryContentType>();
  private readonly models: ModelLabels;
  private readonly counterNames = new Map<Named, string>();
  private rendering: Promise<unknown> = Promise.resolve();

  private readonly requests: Counter;
  private readonly duration: Histogram;
  private readonly ttft: Histogram;
  private readonly overhead: Histogram;
  private readonly attempts: Counter;
  private readonly retries: Counter;
  private readonly fallbacks: Counter;
  private readonly circuit: Gauge;
  private readonly tokens: Counter;
  private readonly cost: Counter;
  private readonly unpriced: Counter;
  private readonly streamOutcomes: Counter;
  private readonly rejections: Counter;
  private readonly queue: Gauge;
  private readonly queueWait: Histogram;
  private readonly inflight: Gauge;
  private readonly budgetSpent: Gauge;
  private readonly budgetLimit: Gauge;
  private readonly upstreamRemaining: Gauge;
  private readonly stateStore: Gauge;
  private readonly runsStarted: Counter;
  private readonly runsActive: Gauge;
  private readonly runCost: Histogram;
  private readonly runCalls: Histogram;
  private readonly runDuration: Histogram;
  private readonly loops: Counter;
  private readonly disconnects: Counter;
  private readonly idempotent: Counter;
  private readonly idempotencyBytes: Counter;
  private readonly detached: Counter;
  private readonly detachedInFlight: Gauge;
  private readonly selections: Counter;
  private readonly policyActions: Counter;
  private readonly cacheRequests: Counter;
  private readonly cacheSavedUsd: Counter;

  constructor(options: MetricsOptions) {
    this.models = options.models;
    // OpenMetrics before any metric registers: prom-client accepts exemplars only on such a registry.
    this.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const registers = [this.registry];
    const counter = (name: string, help: string, labelNames: string[]): Counter => new Counter({ name, help, labelNames, registers });
    const gauge = (name: string, help: string, labelNames: string[]): Gauge => new Gauge({ name, help, labelNames, registers });
    const histogram = (name: string, help: string, labelNames: string[], buckets: number[]): Histogram =>
      new Histogram({ name, help, labelNames, buckets, registers, enableExemplars: true });

    this.requests = counter('breakwater_requests_total', 'Requests answered, by outcome.', ['route', 'model', 'upstream', 'status_code', 'error_type']);
    this.duration = histogram('breakwater_request_duration_seconds', 'Request duration from arrival to the last byte (streams included).', ['route', 'model', 'upstream', 'stream'], DURATION_BUCKETS);
    this.ttft = histogram('breakwater_time_to_first_token_seconds', 'Time from arrival to the first response byte sent to the client.', ['model', 'upstream'], TTFT_BUCKETS);
    this.overhead = histogram('breakwater_gateway_overhead_seconds', 'Time spent in the gateway itself: total minus time waiting on upstreams, in retry backoff and in the queue.', ['route'], OVERHEAD_BUCKETS);
    this.attempts = counter('breakwater_upstream_attempts_total', 'Upstream attempts, by outcome (success or error class).', ['upstream', 'outcome']);
    this.retries = counter('breakwater_retries_total', 'Retries scheduled, by the error class that caused them.', ['upstream', 'reason']);
    this.fallbacks = counter('breakwater_fallbacks_total', 'Moves to the next target of a route.', ['from_upstream', 'to_upstream', 'reason']);
    this.circuit = gauge('breakwater_circuit_state', 'Circuit breaker state: 0 closed, 1 half-open, 2 open.', ['upstream']);
    this.tokens = counter('breakwater_tokens_total', 'Tokens in disjoint buckets (input excludes cached, output excludes reasoning).', ['model', 'upstream', 'key', 'type', 'usage_source']);
    this.cost = counter('breakwater_cost_usd_total', 'Cost in USD at the configured prices.', ['model', 'upstream', 'key', 'usage_source']);
    this.unpriced = counter('breakwater_unpriced_requests_total', 'Calls served that could not be priced (no price for the model): they cost nothing in cost metrics and budgets.', ['model']);
    this.streamOutcomes = counter('breakwater_stream_outcomes_total', 'How streamed answers ended.', ['model', 'upstream', 'outcome']);
    this.rejections = counter('breakwater_ratelimit_rejections_total', "Requests refused by the gateway's own limits.", ['key', 'limit']);
    this.queue = gauge('breakwater_queue_depth', 'Requests waiting for a concurrency slot.', ['key']);
    this.queueWait = new Histogram({ name: 'breakwater_queue_wait_seconds', help: 'Time requests spent queued for a concurrency slot (served, timed out or gone); requests served at once are not observed.', labelNames: ['key'], buckets: QUEUE_WAIT_BUCKETS, registers });
    this.runsStarted = counter('breakwater_runs_started_total', 'Agent runs started, by where their id came from.', ['key', 'source']);
    this.runsActive = gauge('breakwater_runs_active', 'Agent runs active: started here minus ended here, so a sum over replicas is exact (one replica alone may read below 0).', ['key']);
    this.runCost = new Histogram({ name: 'breakwater_run_cost_usd', help: 'Cost of each ended agent run in USD (observed once per run across replicas).', labelNames: ['key'], buckets: RUN_COST_BUCKETS, registers });
    this.runCalls = new Histogram({ name: 'breakwater_run_calls', help: 'Calls of each ended agent run (observed once per run across replicas).', labelNames: ['key'], buckets: RUN_CALLS_BUCKETS, registers });
    this.runDuration = new Histogram({ name: 'breakwater_run_duration_seconds', help: 'First to last call of each ended agent run (observed once per run across replicas).', labelNames: ['key'], buckets: RUN_DURATION_BUCKETS, registers });
    this.loops = counter('breakwater_agent_loops_total', 'Requests whose history ends in an agent loop (the same tool call, turn after turn), by what the gateway did.', ['key', 'action']);
    this.inflight = gauge('breakwater_inflight_requests', 'Upstream attempts in flight (streams until their end).', ['upstream']);
    this.budgetSpent = gauge('breakwater_budget_spent_usd', "USD spent today (UTC) by the key, against its daily budget.", ['key']);
    this.budgetLimit = gauge('breakwater_budget_limit_usd', "The key's daily budget in USD.", ['key']);
    this.upstreamRemaining = gauge('breakwater_upstream_ratelimit_remaining', "The upstream's own x-ratelimit-remaining-* headers, last seen.", ['upstream', 'resource']);
    this.stateStore = gauge('breakwater_state_store_up', 'Shared state (Redis) reachable: 1 up, 0 down. Always 1 with in-process state.', []);
    this.disconnects = counter('breakwater_client_disconnects_total', 'Clients that went away before their answer was complete, by what happened to the upstream call: `cancel` (aborted) or `finish` (read to its end without the client).', ['route', 'action']);
    this.idempotent = counter('breakwater_idempotent_requests_total', 'Calls with an Idempotency-Key, by how they were served.', ['outcome']);
    this.idempotencyBytes = counter('breakwater_idempotency_stored_bytes_total', 'Bytes of answers kept under an Idempotency-Key.', []);
    this.detached = counter('breakwater_detached_calls_total', 'Detached calls accepted, and the status each ended with (`lost`: its replica died).', ['status']);
    this.detachedInFlight = gauge('breakwater_detached_calls_running', 'Detached calls running on this replica.', []);
    this.selections = counter('breakwater_route_selections_total', "The upstream a route's strategy chose to try first, per call sent (fallbacks are counted as fallbacks).", ['route', 'upstream']);
    this.policyActions = counter('breakwater_policy_actions_total', 'What key and route policies did: clamped, rejected, defaulted, overridden, model_denied.', ['route', 'action']);
    this.cacheRequests = counter('breakwater_cache_requests_total', 'Calls of caching routes, by how the response cache answered: hit, miss (refresh too) or bypass.', ['route', 'result']);
    this.cacheSavedUsd = counter('breakwater_cache_saved_usd_total', 'USD the cache hits would have cost: what each replayed answer cost when it was made.', ['key', 'model']);

    // Known series start at their resting value, so dashboards see them before the first event.
    for (const upstream of options.upstreams) {
      this.circuit.set({ upstream }, 0);
      this.inflight.set({ upstream }, 0);
    }
    this.stateStore.set(1);
    this.detachedInFlight.set(0);
    for (const { route, upstream } of options.selections ?? []) this.selections.inc({ route, upstream }, 0);
    for (const route of options.cachedRoutes ?? []) for (const result of ['hit', 'miss', 'bypass']) this.cacheRequests.inc({ route, result }, 0);
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    // prom-client renames counters in place when rendering OpenMetrics; remember the real names.
    for (const metric of this.registry.getMetricsAsArray()) {
      const named = metric as unknown as Named;
      if (metric instanceof Counter) this.counterNames.set(named, named.name);
    }
  }

  /** Everything a finished request contributes; `traceId` becomes an exemplar on the latency histograms. */
  requestFinished(ctx: RequestContext, totalSeconds: number, traceId: string | undefined): void {
    const { reply, request, usage, principal, stream } = ctx;
    const model = this.models.of(ctx.upstream.model ?? request?.model);
    const upstream = ctx.upstream.name ?? '';
    const route = ctx.routeLabel;
    const exemplarLabels = traceId === undefined ? undefined : { trace_id: traceId };
    this.requests.inc({ route, model, upstream, status_code: String(reply.status), error_type: reply.errorClass ?? '' });
    this.duration.observe({ labels: { route, model, upstream, stream: request?.stream === true ? 'true' : 'false' }, value: totalSeconds, exemplarLabels });
    // The gateway's own time: waiting on upstreams, in retry backoff and in the queue is not.
    const ownMs = ctx.upstream.waitedMs + ctx.waits.backoffMs + ctx.waits.queueMs;
    this.overhead.observe({ labels: { route }, value: Math.max(0, totalSeconds - ownMs / 1000), exemplarLabels });
    if (stream.firstByteMs !== undefined && request !== undefined) this.ttft.observe({ labels: { model, upstream }, value: stream.firstByteMs / 1000, exemplarLabels });
    if (stream.outcome !== undefined) this.streamOutcomes.inc({ model, upstream, outcome: stream.outcome });
    if (stream.clientLeft) this.disconnects.inc({ route, action: 'finish' });
    else if (reply.errorClass === 'client_closed') this.disconnects.inc({ route, action: 'cancel' });
    if (usage === undefined) return;
    const key = principal.name;
    const usageSource = usage.source;
    this.addTokens(model, upstream, key, 'input', usageSource, usage.input);
    this.addTokens(model, upstream, key, 'cached_input', usageSource, usage.cachedInput);
    this.addTokens(model, upstream, key, 'cache_write', usageSource, usage.cacheWrite);
    this.addTokens(model, upstream, key, 'output', usageSource, usage.output);
    this.addTokens(model, upstream, key, 'reasoning', usageSource, usage.reasoning);
    if (ctx.costUsd !== undefined) this.cost.inc({ model, upstream, key, usage_source: usageSource }, ctx.costUsd);
  }

  private addTokens(model: string, upstream: string, key: string, type: string, usageSource: string, count: number): void {
    if (count > 0) this.tokens.inc({ model, upstream, key, type, usage_source: usageSource }, count);
  }

  attemptStarted(upstream: string): void {
    this.inflight.inc({ upstream });
  }

  attemptFinished(upstream: string, outcome: string): void {
    this.inflight.dec({ upstream });
    this.attempts.inc({ upstream, outcome });
  }

  retryScheduled(upstream: string, reason: string): void {
    this.retries.inc({ upstream, reason });
  }

  fallback(from: string, to: string, reason: string): void {
    this.fallbacks.inc({ from_upstream: from, to_upstream: to, reason });
  }

  circuitChanged(upstream: string, state: CircuitState): void {
    this.circuit.set({ upstream }, CIRCUIT_VALUE[state]);
  }

  rateLimited(key: string, limit: LimitName): void {
    this.rejections.inc({ key, limit });
  }

  queueDepth(key: string, depth: number): void {
    this.queue.set({ key }, depth);
  }

  queueWaited(key: string, seconds: number): void {
    this.queueWait.observe({ key }, seconds);
  }

  upstreamRateLimitRemaining(upstream: string, resource: 'requests' | 'tokens', remaining: number): void {
    if (Number.isFinite(remaining)) this.upstreamRemaining.set({ upstream, resource }, remaining);
  }

  unpricedCall(model: string): void {
    this.unpriced.inc({ model: this.models.of(model) });
  }

  budgetState(key: string, spentUsd: number, limitUsd: number): void {
    this.budgetSpent.set({ key }, spentUsd);
    this.budgetLimit.set({ key }, limitUsd);
  }

  runStarted(key: string, source: string): void {
    this.runsStarted.inc({ key, source });
    this.runsActive.inc({ key });
  }

  /** A run ended; its totals are unknown when a bounded in-process store let its record go (the gauge still moves). */
  runEnded(key: string, run: { readonly calls: number; readonly costUsd: number; readonly durationSeconds: number } | undefined): void {
    this.runsActive.dec({ key });
    if (run === undefined) return;
    this.runCost.observe({ key }, run.costUsd);
    this.runCalls.observe({ key }, run.calls);
    this.runDuration.observe({ key }, run.durationSeconds);
  }

  agentLoop(key: string, action: string): void {
    this.loops.inc({ key, action });
  }

  idempotency(outcome: string): void {
    this.idempotent.inc({ outcome });
  }

  idempotencyStored(bytes: number): void {
    this.idempotencyBytes.inc(bytes);
  }

  detachedCall(status: string): void {
    this.detached.inc({ status });
  }

  detachedRunning(delta: number): void {
    this.detachedInFlight.inc(delta);
  }

  stateStoreUp(up: boolean): void {
    this.stateStore.set(up ? 1 : 0);
  }

  routeSelected(route: string, upstream: string): void {
    this.selections.inc({ route, upstream });
  }

  policyApplied(route: string, action: PolicyAction): void {
    this.policyActions.inc({ route, action });
  }

  cacheAnswered(route: string, result: CacheResult): void {
    this.cacheRequests.inc({ route, result });
  }

  cacheSaved(key: string, model: string, usd: number): void {
    this.cacheSavedUsd.inc({ key, model: this.models.of(model) }, usd);
  }

  /** Prometheus text, or OpenMetrics (with exemplars) when the scraper's Accept header asks for it. */
  render(accept: string | undefined): Promise<{ contentType: string; body: string }> {
    const openMetrics = accept !== undefined && accept.includes('application/openmetrics-text');
    // The registry's format is one mutable setting: renders take turns so two scrapes never mix formats.
    const run = this.rendering.then(() => this.renderAs(openMetrics));
    this.rendering = run.catch(() => undefined);
    return run;
  }

  private async renderAs(openMetrics: boolean): Promise<{ contentType: string; body: string }> {
    const contentType = openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
    if (!openMetrics) for (const [metric, name] of this.counterNames) metric.name = name;
    this.registry.setContentType(contentType);
    try {
      return { contentType, body: await this.registry.metrics() };
    } finally {
      this.registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    }
  }
}
