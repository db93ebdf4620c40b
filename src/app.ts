import { fileURLToPath } from 'node:url';
import { authStage } from './auth/auth-stage.js';
import { KeyStore } from './auth/key-store.js';
import { loadPriceTable, unsetConsequence, type UnsetVariable } from './config/load.js';
import type { Config } from './config/schema.js';
import { createLogger, type DestinationStream } from './observe/logger.js';
import { observeStage } from './observe/observe-stage.js';
import { safeUrl } from './observe/safe-url.js';
import { Telemetry } from './observe/telemetry.js';
import { createLimits } from './limits/create-limits.js';
import { compose } from './pipeline/compose.js';
import { createConsoleRoutes } from './console/create-console.js';
import { LiveTail } from './console/live-tail.js';
import { countTokenStages, llmStages, ownStages, passthroughStages, websocketStages, type StageSet } from './pipeline/stages.js';
import { Breakers } from './resilience/breakers.js';
import { RetryBudget } from './resilience/retry-budget.js';
import { balanceStage } from './routing/balance-stage.js';
import { RunAffinity } from './routing/affinity.js';
import { routeStage } from './routing/route-stage.js';
import { RouteTable } from './routing/route-table.js';
import { AdminRoutes, AdminServer } from './server/admin-server.js';
import { GatewayServer } from './server/http-server.js';
import { OwnEndpoints } from './server/own-endpoints.js';
import { addRunEndpoints } from './runs/run-endpoints.js';
import { RunLimits } from './runs/run-limits.js';
import { runStage } from './runs/run-stage.js';
import { RunStore } from './runs/run-store.js';
import { RunSweeper } from './runs/run-sweeper.js';
import { modelsStage } from './server/models-endpoint.js';
import { cacheStage } from './cache/cache-stage.js';
import { ResponseCache } from './cache/response-cache.js';
import { AllowedModels } from './policy/allowed-models.js';
import { modelsElsewhereStage } from './policy/models-named-elsewhere.js';
import { policyStage } from './policy/policy-stage.js';
import { AttemptUnit } from './upstream/attempt.js';
import { forwardStage } from './upstream/forward-stage.js';
import { bothReaders, Passthrough } from './upstream/passthrough.js';
import { UpstreamRegistry } from './upstream/pools.js';
import { UpstreamLoad } from './upstream/upstream-load.js';
import { SecretScrubber } from './upstream/secrets.js';
import { WebSocketRelay } from './upstream/websocket.js';
import { Ownership } from './tenancy/ownership.js';
import { PassthroughOwnership } from './tenancy/passthrough-ownership.js';
import { passthroughPolicyStage } from './tenancy/passthrough-policy.js';
import { storedAnswersStage } from './tenancy/stored-answers-stage.js';
import { unpricedStage } from './usage/unpriced-stage.js';
import { usageStage } from './usage/usage-stage.js';
import { validateStage } from './validation/validate-stage.js';
import { BackgroundResponses } from './durable/background-responses.js';
import { DetachedCalls } from './durable/detached.js';
import { addDetachedEndpoints } from './durable/detached-endpoints.js';
import { DetachedStore } from './durable/detached-store.js';
import { idempotencyStage } from './durable/idempotency-stage.js';
import { IdempotencyStore } from './durable/idempotency-store.js';
import type { Stage } from './pipeline/context.js';

/** Active runs the console lists. */
const CONSOLE_RUNS = 20;
export interface AppOptions {
  /** Where log lines go; default stdout. */
  readonly logDestination?: DestinationStream;
  /** The process environment (main.ts passes process.env): OTEL_* variables configure tracing. Default: none, so no tracing. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Config values that named an unset variable: warned about at start, and the shared-state one in /readyz. */
  readonly unsetVariables?: readonly UnsetVariable[];
}

export interface App {
  /** Starts listening; resolves with the bound port. */
  start(): Promise<number>;
  /** Drains (up to server.drainTimeoutMs), flushes telemetry, releases every resource. */
  stop(): Promise<void>;
}

const BUNDLED_PRICES = fileURLToPath(new URL('../config/pricing.yaml', import.meta.url));

/** Composition root: builds everything from a validated Config. Wiring only, no logic. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const secrets = config.upstreams.flatMap((upstream) => (upstream.apiKey === undefined ? [] : [upstream.apiKey]));
  const scrubber = new SecretScrubber([...secrets, ...config.upstreams.flatMap((upstream) => Object.values(upstream.headers))]);
  const logger = createLogger({ level: config.telemetry.logLevel, secrets, ...(options.logDestination === undefined ? {} : { destination: options.logDestination }) });
  const prices = loadPriceTable(config, BUNDLED_PRICES);
  // The console's memory of recent traffic, fed by the recorder; nothing is kept when the console is off.
  const tail = config.console.enabled ? new LiveTail() : undefined;
  const telemetry = new Telemetry({ logger, config, pricedModels: prices.names(), env: options.env ?? {}, secrets, listeners: tail === undefined ? [] : [tail] });
  const keys = new KeyStore(config.keys, config.admin.keyHash);
  const upstreams = new UpstreamRegistry(config.upstreams);
  const breakers = new Breakers(config.upstreams, (upstream, state) => telemetry.circuitChanged(upstream, state));
  const retryBudgets = new Map(config.upstreams.map((upstream) => [upstream.name, new RetryBudget(config.retry.budgetRatio)]));
  const routes = new RouteTable(config);
  const load = new UpstreamLoad();
  const allowedModels = new AllowedModels(config.keys);
  const websockets = new WebSocketRelay(upstreams.defaultUpstream, keys.enabled, scrubber);
  const limits = await createLimits(config, telemetry, logger, prices);
  const owners = new Ownership(limits.store);
  const runStore = new RunStore(limits.store, config.runs.idleTimeoutSeconds * 1_000);
  const runSweeper = new RunSweeper(runStore, telemetry, logger, Math.min(15_000, (config.runs.idleTimeoutSeconds * 1_000) / 2));
  const ownership = new PassthroughOwnership(owners, keys.enabled, logger);
  // Responses made by other upstreams are reached through a passthrough of their own.
  const otherPassthroughs = new Map<string, Stage>();
  const background = new BackgroundResponses({ store: limits.store, defaultUpstream: upstreams.defaultUpstream.name, passthroughs: otherPassthroughs, prices, recorder: telemetry, log: logger });
  const readers = bothReaders(ownership, background);
  const passthroughs = upstreams.all().map((upstream) => new Passthrough(upstream, keys.enabled, scrubber, readers));
  const passthrough = passthroughs[0]!;
  for (const other of passthroughs.slice(1)) otherPassthroughs.set(other.upstreamName, other.stage());
  const detachedCalls = new DetachedCalls(new DetachedStore(limits.store, config.detached), telemetry, config.detached, logger);

  const own = new OwnEndpoints();
  addRunEndpoints(own, runStore);
  addDetachedEndpoints(own, detachedCalls);
  const stages: StageSet = {
    observe: observeStage(telemetry),
    auth: authStage(keys),
    ownAuth: authStage(keys, 'own'),
    validate: validateStage(config.server.maxBodyBytes),
    unpriced: config.pricing.onUnpriced === 'reject' ? unpricedStage(prices) : undefined,
    idempotency: idempotencyStage({ store: new IdempotencyStore(limits.store, config.idempotency), recorder: telemetry, log: logger, maxAnswerBytes: config.idempotency.maxAnswerBytes, pollMs: 200 }),
    limits: limits.stage,
    runs: runStage({ store: runStore, limits: new RunLimits(limits.store.counters, prices, config.runs.idleTimeoutSeconds * 1_000), recorder: telemetry, config }),
    detached: detachedCalls.stage(),
    usage: usageStage(prices, telemetry),
    backgroundCreate: background.createStage(),
    backgroundRetrieve: background.retrieveStage(),
    route: routeStage(routes),
    policy: policyStage({ allowed: allowedModels, recorder: telemetry }),
    cache: cacheStage({ answers: new ResponseCache(limits.store.records('cache', { maxBytes: config.cache.maxBytes })), recorder: telemetry }),
    balance: balanceStage({
      signals: {
        healthy: (upstream) => breakers.state(upstream) !== 'open' && !load.exhausted(upstream),
        inflight: (upstream) => load.inflight(upstream),
      },
      affinity: new RunAffinity(limits.store),
      recorder: telemetry,
    }),
    forward: forwardStage({
      attempts: new AttemptUnit({ upstreams, breakers, recorder: telemetry, load, gatewayKeys: keys.enabled, maxSseEventBytes: config.server.maxSseEventBytes }),
      upstreams,
      retryBudgets,
      retry: config.retry,
      recorder: telemetry,
      scrubber,
    }),
    passthrough: passthrough.stage(),
    websocket: websockets.stage(),
    passthroughPolicy: passthroughPolicyStage(config.keys),
    modelsElsewhere: modelsElsewhereStage({ allowed: allowedModels, recorder: telemetry, maxBodyBytes: config.server.maxBodyBytes }),
    ownership: ownership.stage(),
    storedAnswers: storedAnswersStage(owners, keys.enabled, logger),
  };
  const runModels = compose([stages.observe, stages.auth, modelsStage(upstreams, routes, allowedModels, keys.enabled, scrubber)]);

  const unsetVariables = options.unsetVariables ?? [];
  const redisUnset = unsetVariables.find((unset) => unset.path === 'state.redisUrl');
  const stateWarning = redisUnset === undefined ? undefined : `state.redisUrl names \${${redisUnset.variable}}, which is not set: ${unsetConsequence(redisUnset)}`;

  const liveConsole = tail === undefined ? undefined : createConsoleRoutes(config.console, tail, keys, {
    breakers: () => breakers.states(),
    limits: () => limits.usage(),
    // Every key's active runs, most recent first: what the console has room to list.
    runs: { active: () => runStore.active(undefined, CONSOLE_RUNS) },
  }, (error) => logger.error({ err: error }, 'console update failed'));
  const adminRoutes = new AdminRoutes({
    readiness: () => {
      const shared = limits.readiness();
      const state = stateWarning === undefined ? shared.state : { ...shared.state, warning: stateWarning };
      return { ready: shared.ready, detail: { upstreams: breakers.states(), state } };
    },
    metrics: (accept: string | undefined) => telemetry.renderMetrics(accept),
    draining: () => server.isDraining,
    console: liveConsole,
  });
  const adminServer = config.server.adminPort === undefined ? undefined : new AdminServer(config.server.adminHost ?? config.server.host, config.server.adminPort, adminRoutes);
  const server = new GatewayServer(
    config.server,
    {
      llm: compose(llmStages(stages)),
      countTokens: compose(countTokenStages(stages)),
      passthrough: compose(passthroughStages(stages)),
      models: runModels,
      admin: adminServer === undefined ? adminRoutes : undefined,
      upgrade: compose(websocketStages(stages)),
      own: compose(ownStages(stages, own.stage())),
    },
    logger,
  );

  return {
    async start() {
      await telemetry.start();
      const port = await server.listen();
      runSweeper.start();
      const adminPort = await adminServer?.listen();
      for (const unset of unsetVariables) {
        logger.warn({ path: unset.path, variable: unset.variable, consequence: unsetConsequence(unset) }, `config: ${unset.path} names \${${unset.variable}}, which is not set`);
      }
      logger.info({ host: config.server.host, port, upstreams: config.upstreams.map((u) => ({ name: u.name, api: u.api, baseUrl: safeUrl(u.baseUrl), credentials: u.apiKey === undefined ? 'client' : 'configured' })), routes: config.routes.map((r) => ({ match: r.match, targets: r.targets.map((t) => t.upstream) })), keys: config.keys.length, adminPort }, 'listening');
      return port;
    },
    async stop() {
      liveConsole?.close();
      const { cut } = await server.drain(config.server.drainTimeoutMs);
      logger.info({ cut }, cut === 0 ? 'drained' : 'drain timeout: cut in-flight requests');
      breakers.shutdown();
      runSweeper.stop();
      for (const each of passthroughs) each.close();
      await upstreams.destroy();
      await limits.close();
      await telemetry.shutdown();
      await adminServer?.close();
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
