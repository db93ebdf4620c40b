import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { GatewayError } from '../errors/gateway-error.js';
import type { WindowState } from './headers.js';

/** Points taken from a window; `windowEndsAt` (epoch ms) says until when giving them back is meaningful. */
export interface Taken {
  readonly admitted: boolean;
  readonly points: number;
  readonly state: WindowState;
  readonly windowEndsAt: number;
}

/** The store could not answer and no stand-in is configured (failClosed). */
export function stateUnavailable(cause: unknown): GatewayError {
  return new GatewayError('state_unavailable', 'Rate-limit state is unavailable; try again shortly', { retryAfterSeconds: 1, cause });
}

/**
 * One fixed-window counter of one kind (rpm or tpm) for every key, over rate-limiter-flexible.
 * `take` is an atomic add-and-compare in the store, so parallel callers (and other replicas on
 * Redis) can never be admitted past the limit.
 */
export class WindowLimit {
  constructor(private readonly limiter: RateLimiterAbstract, readonly limit: number) {}

  /** Adds `points`; not admitted when that goes over the limit (the caller gives them back). */
  async take(key: string, points: number): Promise<Taken> {
    try {
      const res = await this.limiter.consume(key, points);
      return { admitted: true, points, state: this.stateOf(res), windowEndsAt: Date.now() + res.msBeforeNext };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw stateUnavailable(error);
      return { admitted: false, points, state: { ...this.stateOf(error), remaining: 0 }, windowEndsAt: Date.now() + error.msBeforeNext };
    }
  }

  /**
   * Returns points to the window they were taken from. Once that window is over the counter has
   * started afresh, and giving back would grant credit in a window that never saw the points.
   */
  async giveBack(key: string, points: number, windowEndsAt: number): Promise<void> {
    if (points <= 0 || Date.now() >= windowEndsAt) return;
    try {
      await this.limiter.reward(key, points);
    } catch (error) {
      throw stateUnavailable(error);
    }
  }

  /** Charges points that were used but not reserved; never refused (the work is already done). */
  async charge(key: string, points: number): Promise<void> {
    if (points <= 0) return;
    try {
      await this.limiter.penalty(key, points);
    } catch (error) {
      throw stateUnavailable(error);
    }
  }

  /** Moves a reservation to what was really used: gives back the surplus or charges the shortfall. */
  async settle(key: string, taken: Taken, used: number): Promise<void> {
    const difference = used - taken.points;
    if (difference > 0) await this.charge(key, difference);
    else await this.giveBack(key, -difference, taken.windowEndsAt);
  }

  private stateOf(res: RateLimiterRes): WindowState {
    return { limit: this.limit, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
  }
}
