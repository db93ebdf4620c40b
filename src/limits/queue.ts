import { GatewayError } from '../errors/gateway-error.js';

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

interface Waiter {
  readonly priority: number;
  readonly grant: (release: Release) => void;
  readonly fail: (error: GatewayError) => void;
}

export interface GateOptions {
  readonly limit: number;
  readonly maxQueue: number;
  readonly onDepth: (depth: number) => void;
  /** A request was refused: queue full or waited too long. */
  readonly onRefused: () => void;
}

/**
 * Concurrent requests of one key on this replica, with a bounded priority queue in front.
 * A freed slot passes straight to the first waiter (lowest priority number, then arrival order),
 * so a newcomer can never overtake the queue. bottleneck offers the same queue, but has no
 * per-job max wait or cancellation of a queued job; this is smaller than adapting it.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: GateOptions) {}

  get inFlight(): number {
    return this.active;
  }

  get depth(): number {
    return this.waiting.length;
  }

  /** A slot now, or after waiting at most `maxWaitMs`; rejects when the queue is full, on timeout, or on abort. */
  acquire(priority: number, maxWaitMs: number, signal: AbortSignal): Promise<Release> {
    if (this.active < this.options.limit && this.waiting.length === 0) {
      this.active += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.options.maxQueue) {
      this.options.onRefused();
      return Promise.reject(new GatewayError('queue_full', `Too many concurrent requests for this key and its queue is full (${this.options.maxQueue})`, { retryAfterSeconds: 1 }));
    }
    if (signal.aborted) return Promise.reject(new GatewayError('client_closed', 'client closed the request'));
    return new Promise<Release>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        priority,
        grant: (release) => {
          finish();
          resolve(release);
        },
        fail: (error) => {
          finish();
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
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) {
        this.active -= 1;
        return;
      }
      this.options.onDepth(this.waiting.length);
      next.grant(this.releaser());
    };
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
