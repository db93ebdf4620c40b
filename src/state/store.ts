import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** A fixed-window counter: `points` per `durationSec`, stored under `name` (a key prefix). */
export interface WindowSpec {
  readonly name: string;
  readonly points: number;
  readonly durationSec: number;
}

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
 * Where limit counters live. Memory: this process only. Redis: every replica, each update atomic
 * (rate-limiter-flexible's Lua increment). Only state/ and limits/ see rate-limiter-flexible.
 */
export interface StateStore {
  readonly backend: 'memory' | 'redis';
  /** A counter in this store. Under failOpen a Redis store answers from a local stand-in while Redis is down. */
  windowLimiter(spec: WindowSpec): RateLimiterAbstract;
  /** True while limited requests must be refused outright (Redis down under failClosed). */
  refusing(): boolean;
  health(): StoreHealth;
  close(): Promise<void>;
}
