import { GatewayError } from '../errors/gateway-error.js';
import type { Counters, WindowSpec, WindowState as StoreWindow } from '../state/store.js';
import type { WindowState } from './headers.js';

/** Points taken from a window; `windowStart` says which window giving them back is meaningful in. */
export interface Taken {
  readonly admitted: boolean;
  readonly points: number;
  readonly state: WindowState;
  readonly windowStart: number;
  /** Refused: ms until the window can admit these points, counting the windows a carried debt still needs. */
  readonly retryAfterMs: number;
}

/** The store could not answer and no stand-in is configured (failClosed). */
export function stateUnavailable(cause: unknown): GatewayError {
  return new GatewayError('state_unavailable', 'Rate-limit state is unavailable; try again shortly', { retryAfterSeconds: 1, cause });
}

/** Runs a store operation; a store failure becomes the 503 `state_unavailable`. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw stateUnavailable(error);
  }
}

/**
 * One fixed-window counter of one kind (rpm or tpm) for every key. `take` is an atomic
 * add-and-compare in the store, so parallel callers (and other replicas on Redis) can never be
 * admitted past the limit; a refused take counts nothing.
 */
export class WindowLimit {
  private readonly spec: WindowSpec;

  constructor(private readonly counters: Counters, private readonly name: string, readonly limit: number, private readonly windowMs: number) {
    this.spec = { limit, windowMs };
  }

  async take(key: string, points: number): Promise<Taken> {
    const state = await guarded(() => this.counters.take(this.keyOf(key), points, this.spec, 'fits'));
    return { admitted: state.admitted, points, state: this.stateOf(state), windowStart: state.windowStart, retryAfterMs: this.retryAfterMs(state, points) };
  }

  /** Points used in the current window, carried debt included (read-only, for the console). */
  async used(key: string): Promise<number> {
    const state = await guarded(() => this.counters.peek(this.keyOf(key), this.spec));
    return state.used;
  }

  /** Returns points to the window they were taken from; once that window is over there is nothing to return them to. */
  async giveBack(key: string, points: number, windowStart: number): Promise<void> {
    if (points <= 0) return;
    await guarded(() => this.counters.adjust(this.keyOf(key), -points, this.spec, windowStart));
  }

  /** Charges points that were used but not reserved; never refused (the work is already done). */
  async charge(key: string, points: number): Promise<void> {
    if (points <= 0) return;
    await guarded(() => this.counters.adjust(this.keyOf(key), points, this.spec));
  }

  /** Moves a reservation to what was really used: gives back the surplus or charges the shortfall. */
  async settle(key: string, taken: Taken, used: number): Promise<void> {
    const difference = used - taken.points;
    if (difference > 0) await this.charge(key, difference);
    else await this.giveBack(key, -difference, taken.windowStart);
  }

  /** Each roll-over pays back `limit`: the points fit once enough windows have rolled. */
  private retryAfterMs(state: StoreWindow, points: number): number {
    const excess = state.used + points - this.limit;
    if (excess <= 0) return 0;
    return state.resetMs + (Math.ceil(excess / this.limit) - 1) * this.windowMs;
  }

  private keyOf(key: string): string {
    return `${this.name}:${key}`;
  }

  private stateOf(state: StoreWindow): WindowState {
    return { limit: this.limit, remaining: Math.max(0, this.limit - state.used), resetMs: state.resetMs };
  }
}
