import type { Config } from '../config/schema.js';
import type { Recorder } from '../observe/recorder.js';
import type { RequestContext, Stage } from '../pipeline/context.js';
import { MemoryStore } from '../state/memory.js';
import type { StateStore, StoreHealth } from '../state/store.js';
import type { PriceTable } from '../usage/pricing.js';
import { DailyBudget } from './budget.js';
import { KeyLimiter, type CountedUsage } from './key-limiter.js';
import { limitStage, type KeyLimits } from './limit-stage.js';
import { WindowLimit } from './limiters.js';
import { ConcurrencyGate } from './queue.js';

/** The two log levels limits use; pino's Logger fits. */
export interface LimitsLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** One limited key's use of its limits now; a limit the key does not have is absent. */
export interface KeyLimitUsage extends CountedUsage {
  readonly key: string;
  /** Slots in use across replicas sharing state, the limit, and requests queued on this replica. */
  readonly concurrency: { readonly inUse: number; readonly limit: number; readonly queued: number } | undefined;
}

export interface Limits {
  readonly stage: Stage;
  /** Every limited key's use of its limits (read-only; one store read per limit, so called by the console at most once a second). */
  usage(): Promise<KeyLimitUsage[]>;
  /** The shared state store, for the other features that keep state (tenancy). */
  readonly store: StateStore;
  /** For /readyz: not ready while shared state is down under failClosed. */
  readiness(): { ready: boolean; state: StoreHealth };
  close(): Promise<void>;
}

/** Builds the state store and every key's counters and gate from config, once at start. */
export async function createLimits(config: Config, recorder: Recorder, log: LimitsLog, prices: PriceTable): Promise<Limits> {
  const store = await createStore(config, recorder, log);
  const keys = new Map<string, KeyLimits>();
  for (const key of config.keys) {
    const { rpm, tpm, concurrency, dailyBudgetUsd } = key.limits;
    const counted = rpm !== undefined || tpm !== undefined || dailyBudgetUsd !== undefined;
    const counters = counted
      ? new KeyLimiter(key.name, {
          rpm: rpm === undefined ? undefined : new WindowLimit(store.counters, 'rpm', rpm, 60_000),
          tpm: tpm === undefined ? undefined : new WindowLimit(store.counters, 'tpm', tpm, 60_000),
          budget: dailyBudgetUsd === undefined ? undefined : new DailyBudget(store.counters, dailyBudgetUsd),
        }, recorder, { defaultMaxTokens: config.limits.defaultMaxTokens, prices })
      : undefined;
    const gate = concurrency === undefined
      ? undefined
      : new ConcurrencyGate({
          key: `concurrency:${key.name}`,
          limit: concurrency,
          maxQueue: config.limits.queueLength,
          leases: store.leases,
          leaseTtlMs: config.limits.concurrencyLeaseTtlMs,
          onDepth: (depth) => recorder.queueDepth(key.name, depth),
          onWaited: (seconds) => recorder.queueWaited(key.name, seconds),
          onRefused: () => recorder.rateLimited(key.name, 'concurrency'),
          onLeasesLost: (count) => log.warn({ key: key.name, slots: count, lease_ttl_ms: config.limits.concurrencyLeaseTtlMs }, 'limits: concurrency slots expired while their requests ran (a stall past their TTL, or a shared-state outage); they no longer count until those requests end'),
        });
    // Dashboards see every limited key's queue from the start, not only once it first queues.
    if (gate !== undefined) recorder.queueDepth(key.name, 0);
    if (counters !== undefined || gate !== undefined) keys.set(key.name, { counters, gate });
  }
  const stage = limitStage({
    keys,
    queueTimeoutMs: config.limits.queueTimeoutMs,
    onSettleError: (ctx: RequestContext, error: unknown) => log.warn({ request_id: ctx.id, key: ctx.principal.name, err: error }, 'limits: settling counters failed'),
  });
  return {
    stage,
    store,
    usage: () => Promise.all([...keys].map(([name, limits]) => usageOf(name, limits))),
    readiness: () => ({ ready: !store.refusing(), state: store.health() }),
    close: () => store.close(),
  };
}

async function usageOf(key: string, { counters, gate }: KeyLimits): Promise<KeyLimitUsage> {
  const [counted, inUse] = await Promise.all([counters?.usage(), gate?.inUse()]);
  return {
    key,
    rpm: counted?.rpm,
    tpm: counted?.tpm,
    budget: counted?.budget,
    concurrency: gate === undefined || inUse === undefined ? undefined : { inUse, limit: gate.limit, queued: gate.depth },
  };
}

/** ioredis costs ~23 MiB resident: it is loaded only when Redis is configured. */
async function createStore(config: Config, recorder: Recorder, log: LimitsLog): Promise<StateStore> {
  const { redisUrl, onRedisDown, keyPrefix } = config.state;
  if (redisUrl === undefined) return new MemoryStore();
  const { RedisStore } = await import('../state/redis.js');
  return new RedisStore({
    url: redisUrl,
    policy: onRedisDown,
    keyPrefix,
    onHealthChange: (up, reason) => {
      recorder.stateStoreUp(up);
      if (up) log.info({ state: 'redis', policy: onRedisDown }, 'shared state up: limits are shared by all replicas');
      else log.warn({ state: 'redis', policy: onRedisDown, reason }, onRedisDown === 'failOpen' ? 'shared state down: limits fall back to this replica alone (failOpen)' : 'shared state down: limited requests are refused (failClosed)');
    },
  });
}
