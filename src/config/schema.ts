import { z } from 'zod';

/*
 * THE config schema: every key has its default and a doc line (`describe`).
 * docs/configuration.md is generated from it (`npm run docs:config`) and a test keeps it current.
 */

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

const timeoutsSchema = z
  .strictObject({
    connectMs: positiveInt.default(5_000).describe('TCP + TLS connect deadline per attempt.'),
    firstByteMs: positiveInt.default(60_000).describe('Deadline for the response headers of a streamed call, per attempt (providers send them at once; a hung upstream does not). A timeout here counts against the breaker.'),
    nonStreamFirstByteMs: positiveInt.optional().describe('Deadline for the response headers of a non-stream call, which arrive only once the whole answer is generated (minutes for a reasoning model). Absent: only the total deadline applies. A timeout here never counts against the breaker.'),
    idleMs: positiveInt.default(30_000).describe('Longest gap between two body chunks (stream idle timeout).'),
    totalMs: positiveInt.default(600_000).describe('Deadline for the whole request, shared by all attempts and fallbacks.'),
  })
  .prefault({});

const breakerSchema = z
  .strictObject({
    errorThresholdPercentage: z.number().min(1).max(100).default(50).describe('Failure percentage in the rolling window that opens the circuit.'),
    volumeThreshold: nonNegativeInt.default(10).describe('Minimum attempts in the window before the circuit may open.'),
    resetTimeoutMs: positiveInt.default(30_000).describe('How long the circuit stays open before a half-open probe.'),
    rollingCountTimeoutMs: positiveInt.default(10_000).describe('Length of the rolling statistics window.'),
  })
  .prefault({});

const poolSchema = z
  .strictObject({
    connections: positiveInt.default(1024).describe('Maximum open connections to this upstream; each stream in flight holds one (HTTP/1.1), more wait for a free one within firstByteMs.'),
    keepAliveTimeoutMs: positiveInt.default(4_000).describe('Idle keep-alive time of pooled sockets; keep it below the upstream\'s own idle timeout.'),
  })
  .prefault({});

const upstreamSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, _ . - only').describe('Upstream name, used in routes, headers and metric labels.'),
  api: z.enum(['openai', 'anthropic']).default('openai').describe("The wire API it speaks: `openai` (chat completions, completions, embeddings, responses) or `anthropic` (Messages: /v1/messages and /v1/messages/count_tokens). A request reaches only upstreams of the API it speaks; the gateway translates nothing."),
  baseUrl: z.url({ protocol: /^https?$/ }).describe('Base URL including the API version path, e.g. https://api.openai.com/v1 or https://api.anthropic.com/v1.'),
  apiKey: z.string().min(1).optional().describe("Key the gateway sends upstream (see apiKeyHeader); absent: the client's own Authorization or x-api-key is passed through."),
  apiKeyHeader: z.enum(['authorization', 'api-key', 'x-api-key']).optional().describe('How apiKey is sent: `authorization` (Bearer: OpenAI and most providers), `api-key` (Azure OpenAI key auth) or `x-api-key` (Anthropic). Absent: `x-api-key` for an `anthropic` upstream, `authorization` otherwise.'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers sent on every upstream request (e.g. OpenAI-Organization).'),
  timeouts: timeoutsSchema.describe('Per-attempt and per-request deadlines.'),
  breaker: breakerSchema.describe('Circuit breaker of this upstream.'),
  pool: poolSchema.describe('Connection pool to this upstream.'),
});

const targetSchema = z.strictObject({
  upstream: z.string().describe('Name of an upstream.'),
  model: z.string().min(1).optional().describe('Model name sent to this upstream instead of the requested one.'),
  weight: z.number().nonnegative().default(1).describe('Share of first choices under `strategy: weighted`, relative to the other targets (3 and 1: three calls in four); 0: only ever a fallback. Under least-inflight it breaks ties.'),
});

/** Body fields a route policy may not write: the route and the stream were decided on them already. */
export const POLICY_FIXED_FIELDS: readonly string[] = ['model', 'stream'];

const routePolicySchema = z.strictObject({
  maxTokens: positiveInt.optional().describe('Most output tokens a call may ask for: caps the max-tokens fields the client sent (`max_tokens`, `max_completion_tokens`, `max_output_tokens`; Anthropic `max_tokens`). A field the client did not send is not added (use `defaults`).'),
  maxTokensAction: z.enum(['clamp', 'reject']).default('clamp').describe('Over `maxTokens`: `clamp` lowers the field to it; `reject` refuses the call with 400 `max_tokens_over_limit`.'),
  defaults: z.record(z.string(), z.unknown()).default({}).describe('Body fields set when the client did not send them, e.g. `{temperature: 0, seed: 7}` for repeatable runs. Not `model` or `stream`.'),
  overrides: z.record(z.string(), z.unknown()).default({}).describe('Body fields set whatever the client sent. Not `model` or `stream`.'),
});

const routeCacheSchema = z.strictObject({
  ttlSeconds: positiveInt.default(3_600).describe('How long a stored answer is replayed.'),
  maxEntryBytes: positiveInt.default(1024 * 1024).describe('Largest answer stored; a larger one is served and not kept.'),
});

/** What a route may tighten or loosen of its targets' timeouts (connectMs belongs to the upstream's pool). */
const routeTimeoutsSchema = z.strictObject({
  firstByteMs: positiveInt.optional().describe("Replaces the target upstream's firstByteMs for calls of this route."),
  nonStreamFirstByteMs: positiveInt.optional().describe("Replaces the target upstream's nonStreamFirstByteMs for calls of this route."),
  idleMs: positiveInt.optional().describe("Replaces the target upstream's idleMs for calls of this route."),
  totalMs: positiveInt.optional().describe("Replaces the first target's totalMs for calls of this route."),
});

const routeSchema = z.strictObject({
  match: z.string().min(1).describe('Glob on the requested model (`*` any run, `?` one character).'),
  timeouts: routeTimeoutsSchema.optional().describe('Timeouts of this route, over its targets\' own (e.g. longer for a reasoning model).'),
  targets: z.array(targetSchema).min(1).describe('Targets in order of preference; the ones not chosen first are fallbacks.'),
  onClientDisconnect: z
    .enum(['cancel', 'finish'])
    .optional()
    .describe('When the client goes away mid-call: `cancel` aborts the upstream call (tokens delivered so far are accounted, estimated when no usage came); `finish` reads the answer to its end without the client, accounts the provider\'s exact usage and keeps it under the Idempotency-Key. Absent: `finish` for a call with an Idempotency-Key, `cancel` without.'),
  strategy: z.enum(['fallback', 'weighted', 'least-inflight']).default('fallback').describe('Which target a call tries first. `fallback`: the first, always. `weighted`: by `targets[].weight`. `least-inflight`: the one with the fewest calls in flight from this replica. weighted and least-inflight steer new calls away from a target whose circuit is open or whose upstream said its rate limit is used up. See docs/routing.md.'),
  affinity: z.enum(['none', 'run']).default('none').describe('`run`: the calls of one agent run (its run id) stay on the upstream that served the run\'s last call while it is healthy, so the provider\'s prompt cache stays warm; only a run\'s first call is chosen by the strategy.'),
  policy: routePolicySchema.optional().describe('Caps, defaults and overrides on the bodies of this route\'s calls; the body is rewritten only when one applies.'),
  cache: routeCacheSchema.optional().describe('Exact response cache for this route (off when absent): a repeat of a call (same key, same route, same body) is answered from the stored answer. See docs/routing.md.'),
});

const limitsSchema = z.strictObject({
  rpm: positiveInt.optional().describe('Requests per minute.'),
  tpm: positiveInt.optional().describe('Tokens per minute (reserved from an estimate, settled to real usage).'),
  concurrency: positiveInt.optional().describe('Concurrent requests, across all replicas sharing state; more wait in the queue.'),
  dailyBudgetUsd: z.number().positive().optional().describe('Spend per UTC day in USD.'),
  runBudgetUsd: z.number().positive().optional().describe('Spend per agent run in USD, exact across replicas: a call reserves its prompt estimate and is refused (429 run_budget_exceeded) once spent plus reserved reaches it.'),
  runMaxCalls: positiveInt.optional().describe('Calls per agent run, exact across replicas; more are refused (429 run_call_limit_exceeded).'),
});

const loopDetectionSchema = z.strictObject({
  threshold: z.number().int().min(2).default(5).describe('Consecutive assistant turns making the same tool call (same name, same arguments as canonical JSON) that count as a loop.'),
  action: z.enum(['warn', 'block']).default('warn').describe('`warn`: the answer says `x-breakwater-loop-detected`, counted and traced; `block`: 400 agent_loop_detected, no upstream call.'),
});

const keySchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, _ . - only').describe('Key name, used in logs and metric labels.'),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex>; print one with `breakwater hash-key`').describe('sha256 of the key; never the key itself.'),
  limits: limitsSchema.default({}).describe('Limits of this key.'),
  runs: z
    .strictObject({
      loopDetection: loopDetectionSchema.optional().describe("This key's loop detection, over `runs.loopDetection`."),
    })
    .prefault({})
    .describe('Agent runs of this key.'),
  passthrough: z
    .union([z.enum(['allow', 'deny']), z.array(z.string().min(1)).min(1)])
    .default('allow')
    .describe('Other /v1/* paths (files, batches...) this key may call: `allow`, `deny`, or globs on the path below /v1 (`*` within one segment, `**` any depth: `files/**` is /v1/files and all below it). Refused: 403 passthrough_denied. GET /v1/models is always allowed.'),
  allowedModels: z.array(z.string().min(1)).min(1).optional().describe('Globs on the model the client asks for (`*` any run, `?` one character) that this key may call; any other model is 403 `model_not_allowed` (also the `model` query of a Realtime WebSocket and the `model` of a passthrough JSON body), and GET /v1/models lists only these. Absent: every model.'),
});

const modelPriceSchema = z.strictObject({
  input: z.number().nonnegative().describe('Uncached input tokens.'),
  cachedInput: z.number().nonnegative().optional().describe('Cache reads; absent: `input`.'),
  cacheWrite: z.number().nonnegative().optional().describe('Cache writes (Anthropic: 5-minute ones); absent: 1.25 x `input`.'),
  cacheWrite1h: z.number().nonnegative().optional().describe('Anthropic 1-hour cache writes (`cache_creation.ephemeral_1h_input_tokens`); absent: 2 x `input`.'),
  output: z.number().nonnegative().describe('Output tokens.'),
  reasoning: z.number().nonnegative().optional().describe('Reasoning tokens; absent: `output`.'),
});

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().default('0.0.0.0').describe('Listen address.'),
        openRelay: z.boolean().default(false).describe('Allow listening on a non-loopback address with an upstream apiKey and no gateway keys (anyone who reaches the port spends the key). Refused at start unless this says it is meant.'),
        port: z.number().int().min(0).max(65_535).default(8300).describe('Listen port (0 picks a free one).'),
        adminPort: z.number().int().min(0).max(65_535).optional().describe('A second listener for /metrics, /readyz and /healthz, which then leave the API port (only /healthz stays). Absent: one port serves all.'),
        adminHost: z.string().optional().describe('Listen address of the admin port; absent: `host`. A sidecar serves its API on 127.0.0.1 and its admin port on 0.0.0.0 for probes and scrapes.'),
        maxBodyBytes: positiveInt.default(10 * 1024 * 1024).describe('Largest request body accepted; larger gets 413.'),
        drainTimeoutMs: nonNegativeInt.default(30_000).describe('On SIGTERM/SIGINT, how long in-flight requests and streams may finish.'),
        headersTimeoutMs: positiveInt.default(30_000).describe('Deadline for a client to send its request headers.'),
        requestTimeoutMs: positiveInt.default(120_000).describe('Deadline for a client to send its whole request body.'),
        keepAliveTimeoutMs: positiveInt.default(65_000).describe('Idle keep-alive time of client connections.'),
        maxConnections: positiveInt.default(10_000).describe('Client connections held at once; more are refused.'),
        maxSseEventBytes: positiveInt.default(1024 * 1024).describe('Largest single SSE event an upstream may send; a larger (or endless) one ends the stream as upstream_truncated.'),
      })
      .prefault({})
      .describe('HTTP listener.'),
    upstreams: z
      .array(upstreamSchema)
      .min(1)
      .prefault([{ name: 'openai', baseUrl: 'https://api.openai.com/v1' }, { name: 'anthropic', api: 'anthropic', baseUrl: 'https://api.anthropic.com/v1' }])
      .describe('Model APIs. Without routes, a model goes to the first upstream of the API its request speaks. The first upstream also serves all other /v1/* paths (passthrough, /v1/models, WebSockets).'),
    routes: z
      .array(routeSchema)
      .default([])
      .describe("Model name (glob) to ordered targets, all of one API. A request takes the first route of its own API that matches its model. Absent: every model goes to the first upstream of the request's API. With routes, an unmatched model gets 404."),
    retry: z
      .strictObject({
        maxAttempts: positiveInt.max(10).default(3).describe('Attempts per target, first try included.'),
        baseDelayMs: nonNegativeInt.default(250).describe('Backoff base; delay is full jitter in [0, min(maxDelayMs, base * 2^n)].'),
        maxDelayMs: nonNegativeInt.default(8_000).describe('Backoff cap; also the longest upstream Retry-After honoured.'),
        budgetRatio: z.number().min(0).max(1).default(0.2).describe('Retries per upstream at most this share of its recent requests.'),
      })
      .prefault({})
      .describe('Retries before the commit point.'),
    keys: z.array(keySchema).default([]).describe('Gateway keys; none: open passthrough.'),
    cache: z
      .strictObject({
        maxBytes: positiveInt.default(64 * 1024 * 1024).describe('In-process state: the most memory all stored answers take together (strings, two bytes a character; the least recently used go first). With Redis, its own maxmemory policy bounds them.'),
      })
      .prefault({})
      .describe('The response cache, turned on per route (`routes[].cache`).'),
    admin: z
      .strictObject({
        keyHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex>; print one with `breakwater hash-key`').optional().describe("sha256 of the admin key: the gateway's own endpoints (/breakwater/*) and the console, with every key's data. Never a model caller."),
      })
      .prefault({})
      .describe('The operator.'),
    console: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve the live console at GET /console (on the admin port when server.adminPort is set, else on the API port).'),
        public: z.boolean().default(false).describe('Without gateway keys the console answers loopback clients only (others 403); true: anyone who reaches the port. With gateway keys the admin key is always needed.'),
        maxStreams: positiveInt.max(1_000).default(16).describe('Console pages open at once (live update streams); one more is refused with 503 until one closes.'),
        sessionTtlMinutes: positiveInt.max(10_080).default(720).describe('How long a console sign-in (an HttpOnly cookie) lasts; sessions live in memory and end with the process.'),
      })
      .prefault({})
      .describe('The live console: traffic, errors, latency, cost, breakers, limits, runs and the last requests, from memory.'),
    limits: z
      .strictObject({
        queueLength: nonNegativeInt.default(100).describe('Requests per key that may wait for a concurrency slot.'),
        queueTimeoutMs: positiveInt.default(30_000).describe('Longest wait in the queue before 429.'),
        defaultMaxTokens: positiveInt.default(4_096).describe('Output tokens reserved against tpm (per completion, times `n`) when the request sets no max_tokens.'),
        concurrencyLeaseTtlMs: z.number().int().min(1_000).default(30_000).describe('A concurrency slot is a lease in shared state, renewed every third of this while its request runs: a replica that dies holding slots frees them after at most this long.'),
      })
      .prefault({})
      .describe('Behaviour of per-key limits.'),
    runs: z
      .strictObject({
        idleTimeoutSeconds: positiveInt.default(1_800).describe('A run ends this long after its last call; its record is kept 10 minutes more (status ended).'),
        loopDetection: loopDetectionSchema.prefault({}).describe('Agents stuck repeating one tool call.'),
      })
      .prefault({})
      .describe('Agent runs: the calls one agent makes for one task, grouped with no client change (docs/runs.md).'),
    state: z
      .strictObject({
        redisUrl: z.string().min(1).optional().describe('Redis URL for limits shared by all replicas; absent: in-process state.'),
        onRedisDown: z.enum(['failOpen', 'failClosed']).default('failOpen').describe('failOpen: local limits stand in; failClosed: 503 and /readyz not ready.'),
        keyPrefix: z.string().default('breakwater:').describe('Prefix of every Redis key.'),
      })
      .prefault({})
      .describe('Shared state.'),
    idempotency: z
      .strictObject({
        ttlSeconds: positiveInt.default(86_400).describe('How long an answer is kept under its Idempotency-Key (per gateway key): a repeat within this time gets it replayed.'),
        maxBytes: positiveInt.default(64 * 1024 * 1024).describe('In-process state only: total bytes of kept answers; the least recently used go first. Redis keeps each until its TTL.'),
        maxAnswerBytes: positiveInt.default(8 * 1024 * 1024).describe('Largest answer kept under an Idempotency-Key; a larger one is answered but not kept (a repeat runs again; logged and counted).'),
        leaseTtlMs: z.number().int().min(1_000).default(10_000).describe('A call under way holds its Idempotency-Key with a lease renewed every third of this: a repeat on another replica waits while it is held, and runs the call itself once a replica that died lets it run out.'),
      })
      .prefault({})
      .describe('`Idempotency-Key` on POSTs to understood endpoints: one call per key and body, its answer replayed to repeats.'),
    detached: z
      .strictObject({
        ttlSeconds: positiveInt.default(86_400).describe('How long a detached call (`Prefer: respond-async`) and its answer can be fetched at /breakwater/calls/{id}.'),
        leaseTtlMs: z.number().int().min(1_000).default(15_000).describe('A detached call under way holds a lease renewed every third of this; when a replica dies mid-call its lease runs out and the call is reported `failed` with `call_lost`.'),
        maxAnswerBytes: positiveInt.default(16 * 1024 * 1024).describe('Largest upstream answer kept for a detached call; a larger one fails the call.'),
        maxBytes: positiveInt.default(256 * 1024 * 1024).describe('In-process state only: total bytes of detached calls kept (least recently used go first). Redis keeps each until its TTL.'),
      })
      .prefault({})
      .describe('Detached calls: answered 202 at once, run to their end, polled at /breakwater/calls/{id}.'),
    pricing: z
      .strictObject({
        file: z.string().optional().describe('YAML price list replacing the bundled config/pricing.yaml.'),
        models: z.record(z.string(), modelPriceSchema).default({}).describe('Per-model prices (USD per million tokens) added to or overriding the list.'),
        onUnpriced: z.enum(['allow', 'reject']).default('allow').describe('A call whose routed model has no price: `allow` serves it (it costs nothing in budgets; counted in breakwater_unpriced_requests_total, logged once per model); `reject` refuses it with 403 `model_not_priced` before any upstream call.'),
      })
      .prefault({})
      .describe('Prices for cost accounting.'),
    telemetry: z
      .strictObject({
        logPrompts: z.boolean().default(false).describe('Put (truncated) prompts and completions on spans; off by default.'),
        logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level.'),
        serviceName: z.string().default('breakwater').describe('service.name of traces, unless OTEL_SERVICE_NAME is set.'),
        modelLabels: z.array(z.string()).default([]).describe('Extra model names allowed as metric label values; others collapse to `other`.'),
      })
      .prefault({})
      .describe('Logs, traces and metrics.'),
  })

  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.upstreams.forEach((upstream, index) => {
      if (names.has(upstream.name)) ctx.addIssue({ code: 'custom', path: ['upstreams', index, 'name'], message: `duplicate upstream name "${upstream.name}"` });
      names.add(upstream.name);
      if (config.keys.length > 0 && upstream.apiKey === undefined) {
        ctx.addIssue({ code: 'custom', path: ['upstreams', index, 'apiKey'], message: 'required when gateway keys are configured (the gateway key is never forwarded)' });
      }
    });
    const injected = config.upstreams.find((upstream) => upstream.apiKey !== undefined);
    if (injected !== undefined && config.keys.length === 0 && !isLoopback(config.server.host) && !config.server.openRelay) {
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'openRelay'],
        message: `upstream "${injected.name}" has an apiKey, no gateway keys are configured, and server.host ${config.server.host} is not loopback: anyone who reaches this port would spend that key. Add keys, listen on 127.0.0.1, or set server.openRelay: true if an open relay is meant`,
      });
    }
    const apis = new Map(config.upstreams.map((upstream) => [upstream.name, upstream.api]));
    config.routes.forEach((route, routeIndex) => {
      route.targets.forEach((target, targetIndex) => {
        if (!names.has(target.upstream)) {
          ctx.addIssue({ code: 'custom', path: ['routes', routeIndex, 'targets', targetIndex, 'upstream'], message: `unknown upstream "${target.upstream}"` });
        }
      });
      const spoken = [...new Set(route.targets.flatMap((target) => apis.get(target.upstream) ?? []))];
      if (spoken.length > 1) {
        ctx.addIssue({ code: 'custom', path: ['routes', routeIndex, 'targets'], message: `mixes upstreams of the ${spoken.join(' and ')} APIs (${route.targets.map((t) => `${t.upstream}: ${apis.get(t.upstream)}`).join(', ')}); a route's targets must all speak one API, the gateway does not translate between them` });
      }
      if (route.strategy === 'weighted' && route.targets.every((target) => target.weight === 0)) {
        ctx.addIssue({ code: 'custom', path: ['routes', routeIndex, 'targets'], message: 'a weighted route needs a target with a weight above 0' });
      }
      for (const part of ['defaults', 'overrides'] as const) {
        for (const field of POLICY_FIXED_FIELDS) {
          if (route.policy !== undefined && field in route.policy[part]) {
            ctx.addIssue({ code: 'custom', path: ['routes', routeIndex, 'policy', part, field], message: `a policy cannot set "${field}": the route and the stream are decided on it` });
          }
        }
      }
    });
    const keyNames = new Set<string>();
    const hashes = new Set<string>();
    config.keys.forEach((key, index) => {
      if (keyNames.has(key.name)) ctx.addIssue({ code: 'custom', path: ['keys', index, 'name'], message: `duplicate key name "${key.name}"` });
      if (hashes.has(key.hash) || key.hash === config.admin.keyHash) ctx.addIssue({ code: 'custom', path: ['keys', index, 'hash'], message: 'duplicate key hash' });
      keyNames.add(key.name);
      hashes.add(key.hash);
      if (Array.isArray(key.passthrough)) {
        key.passthrough.forEach((glob, globIndex) => {
          if (/^\/|^v1\//.test(glob)) ctx.addIssue({ code: 'custom', path: ['keys', index, 'passthrough', globIndex], message: `globs are on the path below /v1, without a leading slash: "${glob.replace(/^\/?(v1\/)?/, '')}"` });
        });
      }
    });
  });

/** The price file (`pricing.file`, or the bundled config/pricing.yaml): validated like the config. */
export const pricingFileSchema = z.strictObject({
  models: z.record(z.string().min(1), modelPriceSchema),
});

/** Addresses only this machine (or this pod) can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The config schema as JSON Schema, for docs/configuration.md. */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}

export type { ZodError, ZodType } from 'zod';
export type Config = z.output<typeof configSchema>;
export type UpstreamConfig = Config['upstreams'][number];
export type RouteConfig = Config['routes'][number];
export type KeyConfig = Config['keys'][number];
export type KeyLimits = KeyConfig['limits'];
export type LoopDetection = Config['runs']['loopDetection'];
export type ModelPriceConfig = z.output<typeof modelPriceSchema>;
export type TimeoutsConfig = UpstreamConfig['timeouts'];
export type RouteTimeouts = z.output<typeof routeTimeoutsSchema>;
export type ClientDisconnect = NonNullable<RouteConfig['onClientDisconnect']>;
export type RoutePolicyConfig = z.output<typeof routePolicySchema>;
export type RouteCacheConfig = z.output<typeof routeCacheSchema>;
export type RouteStrategy = RouteConfig['strategy'];
