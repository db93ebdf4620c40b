import type { Counters, WindowSpec } from '../state/store.js';
import { guarded } from './limiters.js';

/** Spend is counted in micro-dollars: the counters hold integers, and a cheap call still costs > 0. */
const MICRO = 1_000_000;
/** A day's counter outlives its day a little, so a late charge near midnight still lands. */
const BUDGET_WINDOW_MS = 2 * 86_400_000;

const MS_PER_DAY = 86_400_000;
let memoDayNumber = Number.NaN;
let memoDay = '';

/** The UTC day `at` falls in, as the counter key suffix (formatted once per day, not per request). */
export function utcDay(at: Date): string {
  const dayNumber = Math.floor(at.getTime() / MS_PER_DAY);
  if (dayNumber !== memoDayNumber) {
    memoDayNumber = dayNumber;
    memoDay = at.toISOString().slice(0, 10);
  }
  return memoDay;
}

/** Seconds until the next UTC midnight, when every daily budget starts again. */
export function secondsToUtcMidnight(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - at.getTime()) / 1_000));
}

/** A call's estimated cost, taken from the day's spend before the call, to settle after it. */
export interface SpendReservation {
  readonly admitted: boolean;
  /** USD spent today, this reservation included when admitted. */
  readonly spentUsd: number;
  readonly counterKey: string;
  readonly micros: number;
  readonly windowStart: number;
}

/**
 * Daily spend per key per UTC day. A call reserves its estimated cost before it runs and is
 * refused once spent plus reserved reaches the budget (the store's `below` rule), then settles to
 * its real cost. Parallel calls thus overshoot by at most their own unreserved cost (mostly
 * output), not by whole calls as with a check-then-charge.
 */
export class DailyBudget {
  private readonly spec: WindowSpec;

  constructor(private readonly counters: Counters, readonly limitUsd: number) {
    this.spec = { limit: Math.ceil(limitUsd * MICRO), windowMs: BUDGET_WINDOW_MS };
  }

  /** USD spent today. */
  async spent(key: string, now = new Date()): Promise<number> {
    const state = await guarded(() => this.counters.peek(this.keyOf(key, now), this.spec));
    return state.used / MICRO;
  }

  /** Takes `estimateUsd` from today's spend while spend is below the budget; refused counts nothing. */
  async reserve(key: string, estimateUsd: number, now = new Date()): Promise<SpendReservation> {
    const counterKey = this.keyOf(key, now);
    const micros = toMicros(estimateUsd);
    const state = await guarded(() => this.counters.take(counterKey, micros, this.spec, 'below'));
    return { admitted: state.admitted, spentUsd: state.used / MICRO, counterKey, micros, windowStart: state.windowStart };
  }

  /** Moves a reservation to the call's real cost (0 for a call that failed); resolves with the day's new total in USD. */
  async settle(reservation: SpendReservation, costUsd: number): Promise<number> {
    const delta = toMicros(costUsd) - reservation.micros;
    const state = await guarded(() =>
      delta >= 0
        ? this.counters.adjust(reservation.counterKey, delta, this.spec)
        : this.counters.adjust(reservation.counterKey, delta, this.spec, reservation.windowStart));
    return state.used / MICRO;
  }

  /** Adds a cost that had no reservation (usage learned later, e.g. a background response seen completed); resolves with the day's total. */
  async charge(key: string, costUsd: number, now = new Date()): Promise<number> {
    const state = await guarded(() => this.counters.adjust(this.keyOf(key, now), toMicros(costUsd), this.spec));
    return state.used / MICRO;
  }

  private keyOf(key: string, now: Date): string {
    return `spend:${key}:${utcDay(now)}`;
  }
}

/** Whole micro-dollars, rounded up: a cheap call still costs > 0. */
function toMicros(usd: number): number {
  const micros = Math.ceil(usd * MICRO);
  return micros > 0 ? micros : 0;
}
