import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { StateStore, StoreHealth, StorePolicy, WindowSpec } from './store.js';

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

/**
 * Counters in Redis, shared by every replica. Offline queueing is off so that, while Redis is
 * unreachable, commands fail at once and the policy answers (failOpen: a per-process stand-in
 * limiter; failClosed: refuse) instead of requests waiting for a reconnect. ioredis reconnects
 * forever in the background; recovery needs no action.
 */
export class RedisStore implements StateStore {
  readonly backend = 'redis';
  private readonly client: Redis;
  private state: 'connecting' | 'up' | 'down' = 'connecting';
  private downSince: Date | undefined = new Date();

  constructor(private readonly options: RedisStoreOptions) {
    this.client = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
    });
    this.client.on('ready', () => this.mark(true, undefined));
    this.client.on('close', () => this.mark(false, 'connection closed'));
    // Without a listener ioredis prints every reconnect failure to stderr; the transition is what matters.
    this.client.on('error', (error: Error) => {
      if (this.client.status !== 'ready') this.mark(false, error.message);
    });
  }

  windowLimiter(spec: WindowSpec): RateLimiterAbstract {
    return new RateLimiterRedis({
      storeClient: this.client,
      keyPrefix: this.options.keyPrefix + spec.name,
      points: spec.points,
      duration: spec.durationSec,
      rejectIfRedisNotReady: true,
      // The library's own in-memory block would answer from this replica alone; exactness needs Redis.
      inMemoryBlockOnConsumed: 0,
      ...(this.options.policy === 'failOpen'
        ? { insuranceLimiter: new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: spec.durationSec }) }
        : {}),
    });
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

  private mark(up: boolean, reason: string | undefined): void {
    const next = up ? 'up' : 'down';
    if (next === this.state) return;
    this.state = next;
    this.downSince = up ? undefined : new Date();
    this.options.onHealthChange(up, reason);
  }
}
