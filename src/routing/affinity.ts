import type { Records, StateStore } from '../state/store.js';

/** A run's pin lives this long after the last call that renewed it. */
const PIN_TTL_MS = 60 * 60 * 1000;
/** A pin is rewritten (renewed) at most this often while its run keeps calling. */
const RENEW_AFTER_MS = 5 * 60 * 1000;
const MAX_PINS = 100_000;

export interface Pin {
  readonly upstream: string;
  /** Epoch ms the pin was last written. */
  readonly since: number;
}

/**
 * `routes[].affinity: run`: which upstream each run of a route is pinned to, in the state store's
 * records (shared by every replica with Redis), so the provider's prompt cache of the run stays warm.
 */
export class RunAffinity {
  private readonly records: Records;

  constructor(store: StateStore) {
    this.records = store.records('affinity', { maxEntries: MAX_PINS });
  }

  async pinned(route: string, runId: string): Promise<Pin | undefined> {
    const value = await this.records.get(keyOf(route, runId));
    if (value === undefined) return undefined;
    const cut = value.lastIndexOf('\n');
    return cut === -1 ? undefined : { upstream: value.slice(0, cut), since: Number(value.slice(cut + 1)) };
  }

  /** Pins the run to the upstream that served it, unless it already is (and the pin is fresh). */
  async pin(route: string, runId: string, upstream: string, current: Pin | undefined, now = Date.now()): Promise<void> {
    if (current?.upstream === upstream && now - current.since < RENEW_AFTER_MS) return;
    await this.records.set(keyOf(route, runId), `${upstream}\n${now}`, { ttlMs: PIN_TTL_MS });
  }
}

function keyOf(route: string, runId: string): string {
  return `${route}\n${runId}`;
}
