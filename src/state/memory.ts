import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ScoredIndex } from './scored-index.js';
import {
  admits, counterTtlMs, rollWindow,
  type AdmitRule, type Counters, type Hashes, type HashUpdate, type Indexes, type Leases, type RecordBounds, type Records,
  type StateStore, type StoreHealth, type WindowSpec, type WindowState,
} from './store.js';

const HEALTH: StoreHealth = Object.freeze({ backend: 'memory', up: true, policy: 'failOpen' });

/**
 * Entries kept per map: a bound against a client that mints endless keys (run ids, resource ids).
 * The least recently used entry goes first; for a counter that means a fresh window for a key
 * unseen among the 100k most recent ones.
 */
const MAX_ENTRIES = 100_000;
/**
 * Hashes and indexes hold agent runs, one per run: a sidecar seeing a few runs a second keeps
 * them all for the idle timeout, while a gateway of one-call runs at thousands a second keeps the
 * last 20,000 (about 25 MiB) and ends the older ones early. Redis holds them all.
 */
const MAX_RUNS = 20_000;
const DEFAULT_RECORD_BYTES = 64 * 1024 * 1024;

interface Window {
  start: number;
  used: number;
}

/**
 * lru-cache allocates its arrays for `max` entries up front (MiBs at 100k): a store made at start but
 * never used (no key has limits) must not pay that, so each cache is made on first use.
 */
function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

class MemoryCounters implements Counters {
  private readonly cache = lazy(() => new LRUCache<string, Window>({ max: MAX_ENTRIES, ttlAutopurge: false }));

  private get windows(): LRUCache<string, Window> {
    return this.cache();
  }

  async take(key: string, points: number, spec: WindowSpec, rule: AdmitRule): Promise<WindowState> {
    return this.apply(key, spec, (window) => {
      const admitted = admits(window.used, points, spec.limit, rule);
      if (admitted) window.used += points;
      return admitted;
    });
  }

  async adjust(key: string, delta: number, spec: WindowSpec, takenInWindow?: number): Promise<WindowState> {
    return this.apply(key, spec, (window) => {
      if (delta < 0 && takenInWindow !== undefined && takenInWindow !== window.start) return true;
      window.used = Math.max(0, window.used + delta);
      return true;
    });
  }

  async peek(key: string, spec: WindowSpec): Promise<WindowState> {
    const now = Date.now();
    const window = rollWindow(this.windows.get(key), spec, now);
    return stateOf(window, spec, now, true);
  }

  private apply(key: string, spec: WindowSpec, change: (window: Window) => boolean): WindowState {
    const now = Date.now();
    const window = { ...rollWindow(this.windows.get(key), spec, now) };
    const admitted = change(window);
    this.windows.set(key, window, { ttl: counterTtlMs(window.used, spec) });
    return stateOf(window, spec, now, admitted);
  }
}

function stateOf(window: Window, spec: WindowSpec, now: number, admitted: boolean): WindowState {
  return { admitted, used: window.used, limit: spec.limit, resetMs: Math.max(0, window.start + spec.windowMs - now), windowStart: window.start };
}

class MemoryLeases implements Leases {
  private readonly held = new Map<string, Map<string, number>>();

  async acquire(key: string, limit: number, ttlMs: number): Promise<string | undefined> {
    const leases = this.live(key);
    if (leases.size >= limit) return undefined;
    const id = randomUUID();
    leases.set(id, Date.now() + ttlMs);
    this.held.set(key, leases);
    return id;
  }

  async renew(key: string, id: string, ttlMs: number): Promise<boolean> {
    const leases = this.live(key);
    if (!leases.has(id)) return false;
    leases.set(id, Date.now() + ttlMs);
    return true;
  }

  async release(key: string, id: string): Promise<void> {
    const leases = this.held.get(key);
    leases?.delete(id);
    if (leases?.size === 0) this.held.delete(key);
  }

  async count(key: string): Promise<number> {
    return this.live(key).size;
  }

  private live(key: string): Map<string, number> {
    const leases = this.held.get(key) ?? new Map<string, number>();
    const now = Date.now();
    for (const [id, expiresAt] of leases) if (expiresAt <= now) leases.delete(id);
    return leases;
  }
}

class MemoryRecords implements Records {
  private readonly cache: () => LRUCache<string, string>;

  constructor(bounds: RecordBounds) {
    this.cache = lazy(() => new LRUCache<string, string>({
      max: bounds.maxEntries ?? MAX_ENTRIES,
      maxSize: bounds.maxBytes ?? DEFAULT_RECORD_BYTES,
      sizeCalculation: (value, key) => Math.max(1, value.length * 2 + key.length * 2),
    }));
  }

  private get values(): LRUCache<string, string> {
    return this.cache();
  }

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string, options: { ttlMs?: number; ifAbsent?: boolean } = {}): Promise<boolean> {
    if (options.ifAbsent === true && this.values.has(key)) return false;
    this.values.set(key, value, options.ttlMs === undefined ? {} : { ttl: options.ttlMs });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.values.delete(key);
  }
}

class MemoryHashes implements Hashes {
  private readonly cache = lazy(() => new LRUCache<string, Record<string, string>>({ max: MAX_RUNS }));

  private get hashes(): LRUCache<string, Record<string, string>> {
    return this.cache();
  }

  async update(key: string, update: HashUpdate): Promise<void> {
    // Updated in place: get() hands out copies, so nobody else holds this object.
    const hash = this.hashes.get(key) ?? {};
    for (const field in update.incr) hash[field] = String(Number(hash[field] ?? 0) + update.incr[field]!);
    for (const field in update.set) hash[field] = update.set[field]!;
    for (const field in update.setIfAbsent) hash[field] ??= update.setIfAbsent[field]!;
    this.hashes.set(key, hash, { ttl: update.ttlMs });
  }

  async get(key: string): Promise<Record<string, string> | undefined> {
    const hash = this.hashes.get(key);
    return hash === undefined ? undefined : { ...hash };
  }
}

/** Indexes in process, each a bounded ScoredIndex. */
class MemoryIndexes implements Indexes {
  private readonly indexes = new Map<string, ScoredIndex>();

  constructor(private readonly maxMembers = MAX_RUNS) {}

  async add(key: string, member: string, score: number): Promise<boolean> {
    let index = this.indexes.get(key);
    if (index === undefined) this.indexes.set(key, (index = new ScoredIndex(this.maxMembers)));
    return index.add(member, score);
  }

  async remove(key: string, member: string): Promise<boolean> {
    return this.indexes.get(key)?.remove(member) ?? false;
  }

  async range(key: string, min: number, max: number, limit: number): Promise<Array<{ member: string; score: number }>> {
    return this.indexes.get(key)?.range(min, max, limit) ?? [];
  }
}

/** A map that keeps at most `max` entries (least recently used go first), each for its own time. */
export class BoundedMap<V extends object> {
  readonly #entries: () => LRUCache<string, V>;

  constructor(max: number) {
    this.#entries = lazy(() => new LRUCache<string, V>({ max }));
  }

  get(key: string): V | undefined {
    return this.#entries().get(key);
  }

  set(key: string, value: V, ttlMs: number): void {
    this.#entries().set(key, value, { ttl: ttlMs });
  }
}

/** In-process state: one replica, nothing to install, never down. */
export class MemoryStore implements StateStore {
  readonly backend = 'memory';
  readonly counters: Counters = new MemoryCounters();
  readonly leases: Leases = new MemoryLeases();
  readonly hashes: Hashes = new MemoryHashes();
  readonly indexes: Indexes;

  private readonly spaces = new Map<string, Records>();

  /** `maxIndexMembers` bounds each index (tests make it small). */
  constructor(bounds: { readonly maxIndexMembers?: number } = {}) {
    this.indexes = new MemoryIndexes(bounds.maxIndexMembers);
  }

  records(space: string, bounds: RecordBounds = {}): Records {
    let records = this.spaces.get(space);
    if (records === undefined) {
      records = new MemoryRecords(bounds);
      this.spaces.set(space, records);
    }
    return records;
  }

  refusing(): boolean {
    return false;
  }

  health(): StoreHealth {
    return HEALTH;
  }

  async close(): Promise<void> {}
}
