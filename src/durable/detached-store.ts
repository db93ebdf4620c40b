import type { Config } from '../config/schema.js';
import type { Records, StateStore } from '../state/store.js';

export type CallStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type CallEndStatus = 'succeeded' | 'failed' | 'cancelled';

/** What is known of a call from its start: who made it, and the error it ends with if its replica dies. */
export interface CallMeta {
  readonly key: string;
  readonly createdAt: number;
  readonly model: string;
  /** `call_lost` in the request's own API shape (its wire API is known only while the request runs). */
  readonly lostError: unknown;
}

export interface CallEnd {
  readonly status: CallEndStatus;
  readonly completedAt: number;
  readonly response?: unknown;
  readonly error?: unknown;
}

/** A call as `GET /breakwater/calls/{id}` shows it. */
export interface CallView {
  readonly id: string;
  readonly object: 'breakwater.call';
  readonly status: CallStatus;
  readonly model: string;
  readonly created_at: number;
  readonly completed_at?: number;
  readonly response?: unknown;
  readonly error?: unknown;
}

/** Memory backend: leases and cancel requests kept (they are small and short-lived). */
const MAX_LEASES = 100_000;

/**
 * Detached calls in shared state. Per call: its meta (for `ttlSeconds`), a lease saying it is queued
 * or running (for `leaseTtlMs`, renewed by the replica running it), and its end, written only where
 * absent: the first of the call's own end, a cancel, or `call_lost` (a lease that ran out) wins, on
 * any replica, exactly once. Leases live in a space of their own, so large answers never push them
 * out of a bounded memory store.
 */
export class DetachedStore {
  private readonly calls: Records;
  private readonly leases: Records;
  private readonly ttlMs: number;
  readonly leaseTtlMs: number;

  constructor(store: StateStore, settings: Config['detached']) {
    this.calls = store.records('detached-calls', { maxBytes: settings.maxBytes });
    this.leases = store.records('detached-leases', { maxEntries: MAX_LEASES });
    this.ttlMs = settings.ttlSeconds * 1_000;
    this.leaseTtlMs = settings.leaseTtlMs;
  }

  async create(id: string, meta: CallMeta): Promise<void> {
    await this.calls.set(id, JSON.stringify(meta), { ttlMs: this.ttlMs });
    await this.leases.set(id, 'queued', { ttlMs: this.leaseTtlMs });
  }

  /** Renews the call's lease; resolves true when a cancel was asked for on another replica. */
  async heartbeat(id: string, status: 'queued' | 'running'): Promise<boolean> {
    await this.leases.set(id, status, { ttlMs: this.leaseTtlMs });
    return (await this.leases.get(`${id}:cancel`)) !== undefined;
  }

  /** Writes the call's end unless it has one; resolves true when this end is the one kept. */
  async finish(id: string, end: CallEnd): Promise<boolean> {
    const won = await this.calls.set(`${id}:end`, JSON.stringify(end), { ttlMs: this.ttlMs, ifAbsent: true });
    await this.leases.delete(id);
    return won;
  }

  /** Asks the replica running the call to stop it (it looks at each heartbeat). */
  async requestCancel(id: string): Promise<void> {
    await this.leases.set(`${id}:cancel`, '1', { ttlMs: this.leaseTtlMs * 2 });
  }

  async meta(id: string): Promise<CallMeta | undefined> {
    const text = await this.calls.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as CallMeta);
  }

  /**
   * The call as it stands. A call with neither an end nor a lease lost its replica: it ends
   * `failed` with `call_lost` here (`lost` resolves true for the one caller whose end was kept).
   */
  async view(id: string, meta: CallMeta): Promise<{ view: CallView; lost: boolean }> {
    let end = await this.end(id);
    let lost = false;
    if (end === undefined) {
      const live = await this.leases.get(id);
      if (live === 'queued' || live === 'running') return { view: viewOf(id, meta, live, undefined), lost };
      lost = await this.finish(id, { status: 'failed', completedAt: Date.now(), error: meta.lostError });
      end = await this.end(id);
    }
    return { view: viewOf(id, meta, end?.status ?? 'failed', end), lost };
  }

  private async end(id: string): Promise<CallEnd | undefined> {
    const text = await this.calls.get(`${id}:end`);
    return text === undefined ? undefined : (JSON.parse(text) as CallEnd);
  }
}

function viewOf(id: string, meta: CallMeta, status: CallStatus, end: CallEnd | undefined): CallView {
  const view: CallView = { id, object: 'breakwater.call', status, model: meta.model, created_at: Math.floor(meta.createdAt / 1_000) };
  if (end === undefined) return view;
  return {
    ...view,
    completed_at: Math.floor(end.completedAt / 1_000),
    ...(end.response === undefined ? {} : { response: end.response }),
    ...(end.error === undefined ? {} : { error: end.error }),
  };
}
