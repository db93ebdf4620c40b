import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../errors/gateway-error.js';
import type { Leases } from '../state/store.js';
import { guarded, stateUnavailable } from './limiters.js';

/** The reason the pump's sleep is cut short by a local release. */
const WAKE = 'slot released';

/** Header carrying a request's queue priority: an integer 0 (served first) to 9 (served last). */
export const PRIORITY_HEADER = 'x-breakwater-priority';
export const DEFAULT_PRIORITY = 5;

/** The priority a header value asks for; anything but an integer 0-9 gets the default. */
export function parsePriority(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\s*\d\s*$/.test(text)) return DEFAULT_PRIORITY;
  return Number(text);
}

export type Release = () => void;

/** How often a queue with waiters asks the store for a slot freed on another replica: doubling, with jitter. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 200;

interface Waiter {
  readonly priority: number;
  readonly since: number;
  readonly grant: (release: Release) => void;
  readonly fail: (error: GatewayError) => void;
}

export interface GateOptions {
  /** The lease key of this key's slots in shared state. */
  readonly key: string;
  readonly limit: number;
  readonly maxQueue: number;
  readonly leases: Leases;
  /** A slot outlives a replica that died holding it by at most this; held slots are renewed every third of it. */
  readonly leaseTtlMs: number;
  readonly onDepth: (depth: number) => void;
  /** A request left the queue (served, timed out or gone) after waiting this long. */
  readonly onWaited: (seconds: number) => void;
  /** A request was refused: queue full or waited too long. */
  readonly onRefused: () => void;
  /** Held slots whose leases had expired when renewed (a stall longer than their TTL, or shared state lost them). */
  readonly onLeasesLost: (count: number) => void;
}

/**
 * Concurrent requests of one key, across every replica that shares the store: each running request
 * holds a lease (an expiring slot, renewed while it runs, released at its end, so a replica that
 * dies cannot leak one). In front, a bounded priority queue per replica: while it has waiters, one
 * loop asks the store for a slot right after each local release and otherwise polls with a short
 * backoff, so a slot freed on another replica is found too. Waiters are served lowest priority
 * number first, then in arrival order; across replicas a freed slot goes to whichever asks first.
 */
export class ConcurrencyGate {
  private readonly waiting: Waiter[] = [];
  private readonly held = new Set<string>();
  private renewTimer: NodeJS.Timeout | undefined;
  private pumping = false;
  /** Ends the pump's current backoff early: a local slot was just released. */
  private wake: AbortController = new AbortController();

  constructor(private readonly options: GateOptions) {}

  /** Slots this replica holds. */
  get inFlight(): number {
    return this.held.size;
  }

  get depth(): number {
    return this.waiting.length;
  }

  /** Slots held by every replica sharing the store (read-only, for the console). */
  inUse(): Promise<number> {
    return guarded(() => this.options.leases.count(this.options.key));
  }

  get limit(): number {
    return this.options.limit;
  }

  /** A slot now, or after waiting at most `maxWaitMs`; rejects when the queue is full, on timeout, or on abort. */
  async acquire(priority: number, maxWaitMs: number, signal: AbortSignal): Promise<Release> {
    if (this.waiting.length === 0) {
      const id = await this.tryLease();
      if (id !== undefined) {
        if (!signal.aborted) return this.releaser(id);
        this.releaseLease(id);
      }
    }
    if (signal.aborted) throw new GatewayError('client_closed', 'client closed the request');
    if (this.waiting.length >= this.options.maxQueue) {
      this.options.onRefused();
      throw new GatewayError('queue_full', `Too many concurrent requests for this key and its queue is full (${this.options.maxQueue})`, { retryAfterSeconds: 1 });
    }
    const queued = new Promise<Release>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.options.onWaited((performance.now() - waiter.since) / 1_000);
      };
      const waiter: Waiter = {
        priority,
        since: performance.now(),
        grant: (release) => {
          leave();
          resolve(release);
        },
        fail: (error) => {
          leave();
          this.remove(waiter);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.options.onRefused();
        waiter.fail(new GatewayError('queue_timeout', `Waited ${maxWaitMs} ms in the queue for a concurrency slot`, { retryAfterSeconds: 1 }));
      }, maxWaitMs);
      const onAbort = (): void => waiter.fail(new GatewayError('client_closed', 'client closed the request while queued'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.insert(waiter);
    });
    void this.pump();
    return queued;
  }

  /** While anyone waits: a slot for the first waiter, else a short sleep (cut short by a local release). */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    let delay = FIRST_POLL_MS;
    try {
      while (this.waiting.length > 0) {
        let id: string | undefined;
        try {
          id = await this.tryLease();
        } catch (error) {
          // Shared state refuses (failClosed): everyone waiting gets the same answer a newcomer would.
          for (const waiter of [...this.waiting]) waiter.fail(error as GatewayError);
          return;
        }
        if (id !== undefined) {
          const first = this.waiting.shift();
          if (first === undefined) this.releaseLease(id);
          else {
            this.options.onDepth(this.waiting.length);
            first.grant(this.releaser(id));
          }
          delay = FIRST_POLL_MS;
          continue;
        }
        await sleep(delay * (0.75 + Math.random() / 2), undefined, { signal: this.wake.signal, ref: false }).catch(() => undefined);
        if (this.wake.signal.aborted) this.wake = new AbortController();
        delay = Math.min(delay * 2, MAX_POLL_MS);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async tryLease(): Promise<string | undefined> {
    let id: string | undefined;
    try {
      id = await this.options.leases.acquire(this.options.key, this.options.limit, this.options.leaseTtlMs);
    } catch (error) {
      throw stateUnavailable(error);
    }
    if (id !== undefined) this.hold(id);
    return id;
  }

  private releaser(id: string): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releaseLease(id);
    };
  }

  /** Gives the slot back to the store, then lets this replica's queue ask for it first. */
  private releaseLease(id: string): void {
    this.held.delete(id);
    if (this.held.size === 0) this.stopRenewing();
    // A failed release is harmless: the lease lapses at its TTL.
    // Wakes the pump only when someone waits; a reason given up front spares abort() the
    // DOMException (with its stack trace) it would otherwise make on every release.
    void this.options.leases.release(this.options.key, id).catch(() => undefined).finally(() => {
      if (this.waiting.length > 0) this.wake.abort(WAKE);
    });
  }

  private hold(id: string): void {
    this.held.add(id);
    if (this.renewTimer !== undefined) return;
    this.renewTimer = setInterval(() => void this.renewAll(), Math.max(1, Math.floor(this.options.leaseTtlMs / 3)));
    this.renewTimer.unref();
  }

  private async renewAll(): Promise<void> {
    let lost = 0;
    await Promise.all([...this.held].map(async (id) => {
      // A store error is not a verdict: try again next round.
      const renewed = await this.options.leases.renew(this.options.key, id, this.options.leaseTtlMs).catch(() => true);
      if (!renewed && this.held.delete(id)) lost += 1;
    }));
    if (lost > 0) this.options.onLeasesLost(lost);
    if (this.held.size === 0) this.stopRenewing();
  }

  private stopRenewing(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }

  private insert(waiter: Waiter): void {
    let at = this.waiting.length;
    while (at > 0 && this.waiting[at - 1]!.priority > waiter.priority) at -= 1;
    this.waiting.splice(at, 0, waiter);
    this.options.onDepth(this.waiting.length);
  }

  private remove(waiter: Waiter): void {
    const at = this.waiting.indexOf(waiter);
    if (at === -1) return;
    this.waiting.splice(at, 1);
    this.options.onDepth(this.waiting.length);
  }
}
