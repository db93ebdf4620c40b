/**
 * Shared state: one interface for counters, leases, records, hashes and indexes, so every feature
 * (limits, tenancy, runs, durable calls, cache) is written once and gets both backends: memory (one
 * replica) and Redis (every replica, each operation atomic). No library type crosses this file.
 */

export type StorePolicy = 'failOpen' | 'failClosed';

/** Shared-state health as /readyz reports it. */
export interface StoreHealth {
  readonly backend: 'memory' | 'redis';
  readonly up: boolean;
  readonly policy: StorePolicy;
  /** ISO time the store went down, while it is down. */
  readonly downSince?: string;
}

/**
 * `fits`: admitted when used + points <= limit (a request never takes a window past its limit).
 * `below`: admitted while used < limit, then the points are added (spend budgets: a call reserves its
 * estimate and is refused once spent plus reserved reaches the budget; its own output may pass it).
 */
export type AdmitRule = 'fits' | 'below';

export interface WindowSpec {
  readonly limit: number;
  readonly windowMs: number;
  /** How long the counter lives after its last update; default: as long as its usage takes to drain. */
  readonly ttlMs?: number;
}

/** A fixed-window counter after an operation. */
export interface WindowState {
  readonly admitted: boolean;
  /** Points in the current window, carried debt included. */
  readonly used: number;
  readonly limit: number;
  /** ms until the window rolls over. */
  readonly resetMs: number;
  /** Epoch ms the current window started: gives back only into the window it was taken from. */
  readonly windowStart: number;
}

/**
 * Fixed windows that start at their first use and carry what was used beyond the limit into the next
 * window(s): at a roll-over, `used` drops by `limit` per elapsed window, never below 0. Usage settled
 * after the fact (tokens over a reservation) is thus owed, not forgiven at the reset.
 */
export interface Counters {
  take(key: string, points: number, spec: WindowSpec, rule: AdmitRule): Promise<WindowState>;
  /** Adds (or, negative, gives back) points unconditionally; a give-back after the window rolled over is dropped. */
  adjust(key: string, delta: number, spec: WindowSpec, takenInWindow?: number): Promise<WindowState>;
  peek(key: string, spec: WindowSpec): Promise<WindowState>;
}

/** Counted leases that expire: a replica that dies holding one cannot leak it past `ttlMs`. */
export interface Leases {
  /** A lease id, or undefined when `limit` leases are held. */
  acquire(key: string, limit: number, ttlMs: number): Promise<string | undefined>;
  /** Extends a held lease; false when it had already expired. */
  renew(key: string, id: string, ttlMs: number): Promise<boolean>;
  release(key: string, id: string): Promise<void>;
  count(key: string): Promise<number>;
}

export interface RecordBounds {
  /** Memory backend: total bytes of values kept in this space (least recently used go first). */
  readonly maxBytes?: number;
  /** Memory backend: entries kept in this space. */
  readonly maxEntries?: number;
}

/** String values under keys of one space (a key prefix), with optional expiry. */
export interface Records {
  get(key: string): Promise<string | undefined>;
  /** Resolves false when `ifAbsent` and the key already exists. */
  set(key: string, value: string, options?: { ttlMs?: number; ifAbsent?: boolean }): Promise<boolean>;
  /** Resolves true when the key existed. */
  delete(key: string): Promise<boolean>;
}

export interface HashUpdate {
  /** Integer fields added to (created at 0). */
  readonly incr?: Readonly<Record<string, number>>;
  /** Fields written. */
  readonly set?: Readonly<Record<string, string>>;
  /** Fields written only where absent. */
  readonly setIfAbsent?: Readonly<Record<string, string>>;
  /** Expiry of the whole hash, renewed by every update. */
  readonly ttlMs: number;
}

/** Field maps updated atomically (run records). */
export interface Hashes {
  update(key: string, update: HashUpdate): Promise<void>;
  get(key: string): Promise<Record<string, string> | undefined>;
}

/** Sorted members (active runs by last call), for listings and for claiming expired members once. */
export interface Indexes {
  /** Adds or re-scores a member; resolves true when it was not there (for exactly one caller across replicas). */
  add(key: string, member: string, score: number): Promise<boolean>;
  /** Resolves true for exactly one caller across replicas: the claim that removed it. */
  remove(key: string, member: string): Promise<boolean>;
  /** Members with min <= score <= max, lowest first, at most `limit`. */
  range(key: string, min: number, max: number, limit: number): Promise<Array<{ member: string; score: number }>>;
}

export interface StateStore {
  readonly backend: 'memory' | 'redis';
  readonly counters: Counters;
  readonly leases: Leases;
  readonly hashes: Hashes;
  readonly indexes: Indexes;
  /** A record space; the same name gives the same space. */
  records(space: string, bounds?: RecordBounds): Records;
  /** True while work that needs shared state must be refused outright (Redis down under failClosed). */
  refusing(): boolean;
  health(): StoreHealth;
  close(): Promise<void>;
}

/** The store could not answer and no stand-in serves (failClosed, or an operation without one). */
export class StateUnavailable extends Error {
  readonly code = 'BW_STATE_UNAVAILABLE';
  constructor(cause: unknown) {
    super('shared state is unavailable', { cause });
    this.name = 'StateUnavailable';
  }
}

/** The window arithmetic both backends share: roll over with carry, then admit by rule. */
export function rollWindow(state: { start: number; used: number } | undefined, spec: WindowSpec, now: number): { start: number; used: number } {
  if (state === undefined) return { start: now, used: 0 };
  const elapsed = Math.floor((now - state.start) / spec.windowMs);
  if (elapsed <= 0) return state;
  return { start: state.start + elapsed * spec.windowMs, used: Math.max(0, state.used - elapsed * spec.limit) };
}

export function admits(used: number, points: number, limit: number, rule: AdmitRule): boolean {
  return rule === 'fits' ? used + points <= limit : used < limit;
}

/** How long a counter must live: its window, plus one window per limit's worth of carried debt. */
export function counterTtlMs(used: number, spec: WindowSpec): number {
  if (spec.ttlMs !== undefined) return spec.ttlMs;
  return spec.windowMs * (1 + Math.ceil(Math.max(0, used) / Math.max(1, spec.limit)));
}
