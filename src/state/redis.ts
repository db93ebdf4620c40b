import { Redis } from 'ioredis';
import { BoundedMap, MemoryStore } from './memory.js';
import {
  StateUnavailable, counterTtlMs,
  type AdmitRule, type Counters, type Hashes, type HashUpdate, type Indexes, type Leases, type Records,
  type StateStore, type StoreHealth, type StorePolicy, type WindowSpec, type WindowState,
} from './store.js';

export interface RedisStoreOptions {
  readonly url: string;
  readonly policy: StorePolicy;
  readonly keyPrefix: string;
  /** Called on every transition: up, and down (also when the first connection fails). */
  readonly onHealthChange: (up: boolean, reason: string | undefined) => void;
}

/** A slow or hung Redis must not hold requests: after this the policy decides. */
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/*
 * One script per counter operation. Time is Redis's own (TIME), so replicas with skewed clocks still
 * agree on windows. Numbers go back as strings: Lua 5.1 would truncate or print large ones as 1e+15.
 */
const WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local op, points, limit, win, arg, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local start = tonumber(redis.call('HGET', KEYS[1], 's'))
local used = tonumber(redis.call('HGET', KEYS[1], 'u'))
if start == nil then start = now; used = 0 else
  local elapsed = math.floor((now - start) / win)
  if elapsed > 0 then start = start + elapsed * win; used = math.max(0, used - elapsed * limit) end
end
local admitted = 1
if op == 'take' then
  if (arg == 'fits' and used + points > limit) or (arg == 'below' and used >= limit) then admitted = 0 else used = used + points end
elseif op == 'adjust' then
  if not (points < 0 and arg ~= '' and tonumber(arg) ~= start) then used = math.max(0, used + points) end
end
if op ~= 'peek' then
  redis.call('HSET', KEYS[1], 's', string.format('%.0f', start), 'u', string.format('%.0f', used))
  if ttl <= 0 then ttl = win * (1 + math.ceil(used / math.max(1, limit))) end
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return { admitted, string.format('%.0f', used), string.format('%.0f', math.max(0, start + win - now)), string.format('%.0f', start) }`;

const LEASE_ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1`;

const LEASE_RENEW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expires = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
if expires == nil or expires <= now then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 1`;

const LEASE_COUNT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`;

interface ScriptedRedis extends Redis {
  bwWindow(key: string, op: string, points: number, limit: number, windowMs: number, arg: string, ttlMs: number): Promise<[number, string, string, string]>;
  bwLeaseAcquire(key: string, limit: number, id: string, ttlMs: number): Promise<number>;
  bwLeaseRenew(key: string, id: string, ttlMs: number): Promise<number>;
  bwLeaseCount(key: string): Promise<number>;
}

/** A counter this replica stood in for while Redis was down: what it started from, to hand the rest back later. */
interface StandIn {
  readonly spec: WindowSpec;
  readonly seededUsed: number;
}

/**
 * State in Redis, shared by every replica; the one file that imports ioredis. Offline queueing is
 * off so that, while Redis is unreachable, commands fail at once and the policy answers instead of
 * requests waiting for a reconnect; ioredis reconnects forever in the background.
 *
 * failOpen: counters and leases fall back to this replica alone. A counter starts from the last
 * value this replica saw in Redis (a key that had spent its budget stays refused), and what it
 * counted during the outage is added to Redis when Redis is back. Records, hashes and indexes have
 * no stand-in: their callers get StateUnavailable and decide. failClosed: every operation throws.
 */
export class RedisStore implements StateStore {
  readonly backend = 'redis';
  readonly counters: Counters;
  readonly leases: Leases;
  readonly hashes: Hashes;
  readonly indexes: Indexes;
  private readonly client: ScriptedRedis;
  private readonly local = new MemoryStore();
  private readonly lastSeen = new BoundedMap<{ start: number; used: number }>(100_000);
  private readonly standIns = new Map<string, StandIn>();
  private readonly spaces = new Map<string, Records>();
  private state: 'connecting' | 'up' | 'down' = 'connecting';
  private downSince: Date | undefined = new Date();

  constructor(private readonly options: RedisStoreOptions) {
    const client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
      keyPrefix: options.keyPrefix,
    });
    client.defineCommand('bwWindow', { numberOfKeys: 1, lua: WINDOW_SCRIPT });
    client.defineCommand('bwLeaseAcquire', { numberOfKeys: 1, lua: LEASE_ACQUIRE_SCRIPT });
    client.defineCommand('bwLeaseRenew', { numberOfKeys: 1, lua: LEASE_RENEW_SCRIPT });
    client.defineCommand('bwLeaseCount', { numberOfKeys: 1, lua: LEASE_COUNT_SCRIPT });
    this.client = client as ScriptedRedis;
    this.client.on('ready', () => this.mark(true, undefined));
    this.client.on('close', () => this.mark(false, 'connection closed'));
    // Without a listener ioredis prints every reconnect failure to stderr; the transition is what matters.
    this.client.on('error', (error: Error) => {
      if (this.client.status !== 'ready') this.mark(false, error.message);
    });
    this.counters = this.createCounters();
    this.leases = this.createLeases();
    this.hashes = this.createHashes();
    this.indexes = this.createIndexes();
  }

  records(space: string): Records {
    let records = this.spaces.get(space);
    if (records === undefined) {
      const prefix = `rec:${space}:`;
      const run = this.strict.bind(this);
      records = {
        get: (key) => run(async () => (await this.client.get(prefix + key)) ?? undefined),
        set: (key, value, options = {}) => run(async () => {
          const args: Array<string | number> = [prefix + key, value];
          if (options.ttlMs !== undefined) args.push('PX', Math.max(1, Math.ceil(options.ttlMs)));
          if (options.ifAbsent === true) args.push('NX');
          return (await this.client.call('SET', ...args)) === 'OK';
        }),
        delete: (key) => run(async () => (await this.client.del(prefix + key)) > 0),
      };
      this.spaces.set(space, records);
    }
    return records;
  }

  refusing(): boolean {
    return this.state !== 'up' && this.options.policy === 'failClosed';
  }

  health(): StoreHealth {
    const base = { backend: 'redis', up: this.state === 'up', policy: this.options.policy } as const;
    return this.downSince === undefined ? base : { ...base, downSince: this.downSince.toISOString() };
  }

  async close(): Promise<void> {
    this.client.removeAllListeners('close');
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private createCounters(): Counters {
    const window = async (key: string, op: 'take' | 'adjust' | 'peek', points: number, spec: WindowSpec, arg: string, fallback: (counters: Counters) => Promise<WindowState>): Promise<WindowState> => {
      const redisKey = `win:${key}`;
      return this.withStandIn(async () => {
        const [admitted, used, resetMs, start] = await this.client.bwWindow(redisKey, op, points, spec.limit, spec.windowMs, arg, spec.ttlMs ?? 0);
        const state = { admitted: admitted === 1, used: Number(used), limit: spec.limit, resetMs: Number(resetMs), windowStart: Number(start) };
        this.lastSeen.set(key, { start: state.windowStart, used: state.used }, counterTtlMs(state.used, spec));
        return state;
      }, () => {
        this.seedStandIn(key, spec);
        return fallback(this.local.counters);
      });
    };
    return {
      take: (key, points, spec, rule: AdmitRule) => window(key, 'take', points, spec, rule, (local) => local.take(key, points, spec, rule)),
      adjust: (key, delta, spec, takenInWindow) => window(key, 'adjust', delta, spec, takenInWindow === undefined ? '' : String(takenInWindow), (local) => local.adjust(key, delta, spec, takenInWindow)),
      peek: (key, spec) => window(key, 'peek', 0, spec, '', (local) => local.peek(key, spec)),
    };
  }

  private createLeases(): Leases {
    const local = this.local.leases;
    return {
      acquire: (key, limit, ttlMs) => this.withStandIn(async () => {
        const id = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
        return (await this.client.bwLeaseAcquire(`lease:${key}`, limit, id, Math.ceil(ttlMs))) === 1 ? id : undefined;
      }, () => local.acquire(key, limit, ttlMs)),
      renew: (key, id, ttlMs) => this.withStandIn(async () => (await this.client.bwLeaseRenew(`lease:${key}`, id, Math.ceil(ttlMs))) === 1, () => local.renew(key, id, ttlMs)),
      release: (key, id) => this.withStandIn(async () => void (await this.client.zrem(`lease:${key}`, id)), () => local.release(key, id)),
      count: (key) => this.withStandIn(() => this.client.bwLeaseCount(`lease:${key}`), () => local.count(key)),
    };
  }

  private createHashes(): Hashes {
    return {
      update: (key: string, update: HashUpdate) => this.strict(async () => {
        const multi = this.client.multi();
        const redisKey = `hash:${key}`;
        for (const [field, by] of Object.entries(update.incr ?? {})) multi.hincrby(redisKey, field, by);
        const set = Object.entries(update.set ?? {});
        if (set.length > 0) multi.hset(redisKey, Object.fromEntries(set));
        for (const [field, value] of Object.entries(update.setIfAbsent ?? {})) multi.hsetnx(redisKey, field, value);
        multi.pexpire(redisKey, Math.max(1, Math.ceil(update.ttlMs)));
        await multi.exec();
      }),
      get: (key: string) => this.strict(async () => {
        const hash = await this.client.hgetall(`hash:${key}`);
        return Object.keys(hash).length === 0 ? undefined : hash;
      }),
    };
  }

  private createIndexes(): Indexes {
    return {
      add: (key, member, score) => this.strict(async () => (await this.client.zadd(`idx:${key}`, score, member)) === 1),
      remove: (key, member) => this.strict(async () => (await this.client.zrem(`idx:${key}`, member)) === 1),
      range: (key, min, max, limit) => this.strict(async () => {
        const flat = await this.client.zrangebyscore(`idx:${key}`, min, max, 'WITHSCORES', 'LIMIT', 0, limit);
        const out: Array<{ member: string; score: number }> = [];
        for (let i = 0; i + 1 < flat.length; i += 2) out.push({ member: flat[i]!, score: Number(flat[i + 1]) });
        return out;
      }),
    };
  }

  /** Redis, or under failOpen this replica's stand-in while Redis cannot answer. */
  private async withStandIn<T>(shared: () => Promise<T>, standIn: () => Promise<T>): Promise<T> {
    if (this.state === 'up') {
      try {
        return await shared();
      } catch (error) {
        if (this.options.policy === 'failClosed') throw new StateUnavailable(error);
        return standIn();
      }
    }
    if (this.options.policy === 'failClosed') throw new StateUnavailable(new Error(`redis is ${this.state}`));
    return standIn();
  }

  /** Redis only: no stand-in exists for records, hashes and indexes. */
  private async strict<T>(operation: () => Promise<T>): Promise<T> {
    if (this.state !== 'up') throw new StateUnavailable(new Error(`redis is ${this.state}`));
    try {
      return await operation();
    } catch (error) {
      throw new StateUnavailable(error);
    }
  }

  private seedStandIn(key: string, spec: WindowSpec): void {
    if (this.standIns.has(key)) return;
    const seen = this.lastSeen.get(key);
    this.standIns.set(key, { spec, seededUsed: seen?.used ?? 0 });
    if (seen !== undefined) void this.local.counters.adjust(key, seen.used, spec);
  }

  /** Back up: what the stand-ins counted beyond their seed is added to the shared counters. */
  private async handBackStandIns(): Promise<void> {
    const standIns = [...this.standIns];
    this.standIns.clear();
    for (const [key, { spec, seededUsed }] of standIns) {
      const local = await this.local.counters.peek(key, spec);
      const counted = local.used - seededUsed;
      if (counted > 0) await this.client.bwWindow(`win:${key}`, 'adjust', counted, spec.limit, spec.windowMs, '', spec.ttlMs ?? 0).catch(() => undefined);
      await this.local.counters.adjust(key, -local.used, spec);
    }
  }

  private mark(up: boolean, reason: string | undefined): void {
    const next = up ? 'up' : 'down';
    if (next === this.state) return;
    this.state = next;
    this.downSince = up ? undefined : new Date();
    if (up) void this.handBackStandIns();
    this.options.onHealthChange(up, reason);
  }
}
