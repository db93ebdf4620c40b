import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { StateStore, StoreHealth, WindowSpec } from './store.js';

const HEALTH: StoreHealth = Object.freeze({ backend: 'memory', up: true, policy: 'failOpen' });

/** In-process counters: one replica, nothing to install, never down. */
export class MemoryStore implements StateStore {
  readonly backend = 'memory';

  windowLimiter(spec: WindowSpec): RateLimiterAbstract {
    return new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: spec.durationSec });
  }

  refusing(): boolean {
    return false;
  }

  health(): StoreHealth {
    return HEALTH;
  }

  async close(): Promise<void> {}
}
