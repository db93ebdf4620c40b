import type { Config } from '../config/schema.js';
import type { Records, StateStore } from '../state/store.js';

/** A key's call under way somewhere: its lease runs out unless the replica running it renews it. */
export interface RunningEntry {
  readonly state: 'running';
  readonly fingerprint: string;
}

/** A key's stored answer. `body` is the answer's text (JSON, or the SSE events as the client got them). */
export interface DoneEntry {
  readonly state: 'done';
  readonly fingerprint: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

export type IdempotencyEntry = RunningEntry | DoneEntry;

/**
 * What each Idempotency-Key holds in shared state, one record per gateway key and Idempotency-Key:
 * `running` (a lease, set only where absent, so one replica runs the call) or `done` (the answer,
 * for `ttlSeconds`). In memory the records are bounded by bytes (least recently used go first);
 * Redis keeps them across replicas until they expire. Failures are never stored: the record is
 * dropped and the next repeat runs the call.
 */
export class IdempotencyStore {
  private readonly records: Records;
  readonly leaseTtlMs: number;
  private readonly ttlMs: number;

  constructor(private readonly store: StateStore, settings: Config['idempotency']) {
    this.records = store.records('idempotency', { maxBytes: settings.maxBytes });
    this.leaseTtlMs = settings.leaseTtlMs;
    this.ttlMs = settings.ttlSeconds * 1_000;
  }

  /** Shared state down: the policy says whether calls run unchecked (failOpen) or are refused. */
  get failOpen(): boolean {
    return this.store.health().policy === 'failOpen';
  }

  /** `claimed` when this call may run; else what holds the key (undefined: it just went, try again). */
  async claim(scope: string, fingerprint: string): Promise<'claimed' | IdempotencyEntry | undefined> {
    const running: RunningEntry = { state: 'running', fingerprint };
    if (await this.records.set(scope, JSON.stringify(running), { ttlMs: this.leaseTtlMs, ifAbsent: true })) return 'claimed';
    return this.get(scope);
  }

  async get(scope: string): Promise<IdempotencyEntry | undefined> {
    const text = await this.records.get(scope);
    return text === undefined ? undefined : (JSON.parse(text) as IdempotencyEntry);
  }

  /** Keeps the lease of a call still running. */
  async renew(scope: string, fingerprint: string): Promise<void> {
    const running: RunningEntry = { state: 'running', fingerprint };
    await this.records.set(scope, JSON.stringify(running), { ttlMs: this.leaseTtlMs });
  }

  /** Stores the answer; resolves with the bytes kept. */
  async complete(scope: string, fingerprint: string, answer: { status: number; contentType: string | undefined; body: Buffer }): Promise<number> {
    const done: DoneEntry = { state: 'done', fingerprint, status: answer.status, contentType: answer.contentType, body: answer.body.toString('utf8') };
    const text = JSON.stringify(done);
    await this.records.set(scope, text, { ttlMs: this.ttlMs });
    return Buffer.byteLength(text);
  }

  /** The call failed: the key is free, the next repeat runs it. */
  async release(scope: string): Promise<void> {
    await this.records.delete(scope);
  }
}
