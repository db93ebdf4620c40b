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

/**
 * Daily spend per key per UTC day. Checked before a call (spent >= budget refuses), charged with
 * the accounted cost after it; calls already in flight may overshoot the budget by their own cost.
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

  /** Adds a call's cost; resolves with today's new total in USD. */
  async charge(key: string, usd: number, now = new Date()): Promise<number> {
    const micros = Math.ceil(usd * MICRO);
    if (!(micros > 0)) return this.spent(key, now);
    const state = await guarded(() => this.counters.adjust(this.keyOf(key, now), micros, this.spec));
    return state.used / MICRO;
  }

  private keyOf(key: string, now: Date): string {
    return `spend:${key}:${utcDay(now)}`;
  }
}
