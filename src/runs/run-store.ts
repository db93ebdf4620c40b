import type { Hashes, Indexes, Records, StateStore } from '../state/store.js';
import type { TokenUsage } from '../usage/types.js';
import type { RunRef, RunSource } from './run-id.js';

/** A run as the run API shows it (contract "Agent runs"); never any prompt or completion text. */
export interface RunRecord {
  readonly id: string;
  readonly key: string;
  readonly source: RunSource;
  readonly status: 'active' | 'ended';
  readonly calls: number;
  readonly refused: number;
  readonly errors: number;
  readonly toolCalls: number;
  readonly tokens: { readonly input: number; readonly cached_input: number; readonly cache_write: number; readonly output: number; readonly reasoning: number };
  readonly costUsd: number;
  readonly models: readonly string[];
  readonly loops: number;
  readonly firstCallAt: string;
  readonly lastCallAt: string;
}

/** What one call adds to its run. */
export interface CallFacts {
  /** It reached an upstream (or was refused by the gateway before that). */
  readonly reachedUpstream: boolean;
  readonly failed: boolean;
  readonly model: string | undefined;
  readonly usage: TokenUsage | undefined;
  readonly costUsd: number | undefined;
  readonly loop: boolean;
  /** Tool calls the answer made: a request answering one of them continues this run. */
  readonly toolCallIds: readonly string[];
  /** The answer's id (a Responses `resp_...`): a request naming it in `previous_response_id` continues this run. */
  readonly responseId: string | undefined;
}

/** A run the sweep ended: its key, and its record unless the store let it go. */
export interface EndedRun {
  readonly key: string;
  readonly run: RunRecord | undefined;
}

/** How long an ended run's record stays readable (status `ended`), and the run-end sweep's grace. */
export const ENDED_KEPT_MS = 10 * 60_000;
const ALL_ACTIVE = 'runs:active';
/** Active runs looked at for a listing: the oldest first, so past this many the newest are not listed. */
const ACTIVE_SCAN = 20_000;
/** Cost is summed in whole nano-dollars: exact for list prices (at most 3 decimals per million tokens), to $9M a run. */
const NANO = 1_000_000_000;
const TOKEN_FIELDS = [['input', 'input'], ['cachedInput', 'cached_input'], ['cacheWrite', 'cache_write'], ['output', 'output'], ['reasoning', 'reasoning']] as const;
const TOKEN_HASH_FIELD = { input: 'tok_input', cached_input: 'tok_cached_input', cache_write: 'tok_cache_write', output: 'tok_output', reasoning: 'tok_reasoning' } as const;

/**
 * Run records in the state store, so that replicas serving calls of one run keep one record: a hash
 * per run (atomic increments), an index of active runs by last call (members `key:id`), and
 * the stitching indexes (tool call id -> run, response id -> run) that expire with the run. Runs are
 * kept per gateway key: two keys sending the same run id have two runs.
 */
export class RunStore {
  private readonly hashes: Hashes;
  private readonly indexes: Indexes;
  private readonly stitches: Records;

  constructor(store: StateStore, private readonly idleMs: number) {
    this.hashes = store.hashes;
    this.indexes = store.indexes;
    this.stitches = store.records('runs', { maxEntries: 50_000 });
  }

  /** The run of the answer that made one of these tool calls, if it is still active. */
  async byToolCall(key: string, callIds: readonly string[]): Promise<string | undefined> {
    for (const callId of callIds) {
      const run = await this.stitches.get(`tc:${key}:${callId}`);
      if (run !== undefined) return run;
    }
    return undefined;
  }

  async byResponse(key: string, responseId: string): Promise<string | undefined> {
    return this.stitches.get(`resp:${key}:${responseId}`);
  }

  /** Adds a call to its run; resolves true when this call started the run (exactly once across replicas). */
  async record(key: string, run: RunRef, call: CallFacts, now = Date.now()): Promise<boolean> {
    // Only what moves: a field never incremented reads as 0, and Redis is sent fewer commands.
    const incr: Record<string, number> = call.reachedUpstream ? { calls: 1 } : { refused: 1 };
    if (call.reachedUpstream && call.failed) incr['errors'] = 1;
    if (call.toolCallIds.length > 0) incr['toolCalls'] = call.toolCallIds.length;
    if (call.loop) incr['loops'] = 1;
    const nano = Math.round((call.costUsd ?? 0) * NANO);
    if (nano !== 0) incr['cost_nano'] = nano;
    if (call.usage !== undefined) for (const [field, name] of TOKEN_FIELDS) if (call.usage[field] !== 0) incr[TOKEN_HASH_FIELD[name]] = call.usage[field];
    const set: Record<string, string> = { lastCallAt: String(now) };
    if (call.model !== undefined) set[`model:${call.model}`] = '1';
    const ttlMs = this.idleMs + ENDED_KEPT_MS;
    await this.hashes.update(runKey(key, run.id), { incr, set, setIfAbsent: { id: run.id, key, source: run.source, firstCallAt: String(now) }, ttlMs });
    const [started] = await Promise.all([
      this.indexes.add(ALL_ACTIVE, member(key, run.id), now),
      ...call.toolCallIds.map((callId) => this.stitches.set(`tc:${key}:${callId}`, run.id, { ttlMs })),
      call.responseId === undefined ? undefined : this.stitches.set(`resp:${key}:${call.responseId}`, run.id, { ttlMs }),
    ]);
    // The run's key, for the admin key's lookups by id alone (set once; client run ids may repeat across keys).
    if (started === true) await this.stitches.set(`owner:${run.id}`, key, { ttlMs, ifAbsent: true });
    return started === true;
  }

  /** The key whose run this id is (for the admin key), while the run is kept. */
  async ownerOf(id: string): Promise<string | undefined> {
    return this.stitches.get(`owner:${id}`);
  }

  async get(key: string, id: string, now = Date.now()): Promise<RunRecord | undefined> {
    const hash = await this.hashes.get(runKey(key, id));
    return hash === undefined ? undefined : this.recordOf(hash, now);
  }

  /** Active runs, most recent first: one key's, or (key undefined) every key's. */
  async active(key: string | undefined, limit: number, now = Date.now()): Promise<RunRecord[]> {
    const since = now - this.idleMs;
    // One index for every key (a per-key one would cost every call a second write): a key's runs are
    // its members, `key:` first (key names hold no `:`).
    const entries = await this.indexes.range(ALL_ACTIVE, since, Number.POSITIVE_INFINITY, ACTIVE_SCAN);
    const prefix = key === undefined ? '' : `${key}:`;
    const recent = entries.filter((entry) => entry.member.startsWith(prefix)).sort((a, b) => b.score - a.score).slice(0, limit);
    const runs = await Promise.all(recent.map(({ member: m }) => this.get(...split(m), now)));
    return runs.filter((run): run is RunRecord => run !== undefined);
  }

  /**
   * Runs whose last call is older than the idle timeout, each claimed by exactly one caller across
   * replicas (the index removal decides), with its final record when the store still holds it (a
   * bounded in-process store may have let it go: the run still ends, without its totals).
   */
  async claimEnded(now = Date.now(), limit = 500): Promise<EndedRun[]> {
    const ended = await this.indexes.range(ALL_ACTIVE, Number.NEGATIVE_INFINITY, now - this.idleMs, limit);
    const claimed: EndedRun[] = [];
    for (const { member: m } of ended) {
      if (!(await this.indexes.remove(ALL_ACTIVE, m))) continue;
      const [key, id] = split(m);
      claimed.push({ key, run: await this.get(key, id, now) });
    }
    return claimed;
  }

  private recordOf(hash: Record<string, string>, now: number): RunRecord {
    const num = (field: string): number => Number(hash[field] ?? 0);
    const lastCallAt = num('lastCallAt');
    return {
      id: hash['id'] ?? '',
      key: hash['key'] ?? '',
      source: (hash['source'] ?? 'new') as RunSource,
      status: now - lastCallAt > this.idleMs ? 'ended' : 'active',
      calls: num('calls'),
      refused: num('refused'),
      errors: num('errors'),
      toolCalls: num('toolCalls'),
      tokens: { input: num('tok_input'), cached_input: num('tok_cached_input'), cache_write: num('tok_cache_write'), output: num('tok_output'), reasoning: num('tok_reasoning') },
      costUsd: num('cost_nano') / NANO,
      models: Object.keys(hash).filter((field) => field.startsWith('model:')).map((field) => field.slice('model:'.length)).sort(),
      loops: num('loops'),
      firstCallAt: new Date(num('firstCallAt')).toISOString(),
      lastCallAt: new Date(lastCallAt).toISOString(),
    };
  }
}

function runKey(key: string, id: string): string {
  return `run:${key}:${id}`;
}

/** Key names have no `:` (config allows letters, digits, _ . -), so the first `:` separates key and run id. */
function member(key: string, id: string): string {
  return `${key}:${id}`;
}

function split(value: string): [string, string] {
  const at = value.indexOf(':');
  return [value.slice(0, at), value.slice(at + 1)];
}
