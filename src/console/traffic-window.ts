import { ERROR_CLASS_NAMES, type ErrorClass } from '../errors/classes.js';
import { BUCKETS, bucketOf, quantile } from './log-buckets.js';

/** Seconds of history kept: the console's charts show the last five minutes. */
export const WINDOW_SECONDS = 300;

const CLASS_INDEX: ReadonlyMap<ErrorClass, number> = new Map(ERROR_CLASS_NAMES.map((name, index) => [name, index]));
const CLASSES = ERROR_CLASS_NAMES.length;

export interface SecondCounts {
  /** Epoch seconds. */
  readonly t: number;
  readonly requests: number;
  readonly errors: number;
}

export interface Percentiles {
  readonly count: number;
  readonly p50Ms: number | undefined;
  readonly p90Ms: number | undefined;
  readonly p99Ms: number | undefined;
}

/**
 * Per-second counts of the last WINDOW_SECONDS: requests, failures by class, and the latency and
 * time-to-first-token distributions (log buckets). Every array is allocated once; a second's slot
 * is cleared when the clock comes round to it again, so memory is the same after a minute or a month.
 */
export class TrafficWindow {
  private readonly second = new Float64Array(WINDOW_SECONDS).fill(-1);
  private readonly requests = new Uint32Array(WINDOW_SECONDS);
  private readonly errors = new Uint32Array(WINDOW_SECONDS);
  private readonly byClass = new Uint32Array(WINDOW_SECONDS * CLASSES);
  private readonly latency = new Uint32Array(WINDOW_SECONDS * BUCKETS);
  private readonly ttft = new Uint32Array(WINDOW_SECONDS * BUCKETS);

  record(nowMs: number, errorClass: ErrorClass | undefined, latencyMs: number, ttftMs: number | undefined): void {
    const slot = this.slotFor(Math.floor(nowMs / 1000));
    bump(this.requests, slot);
    bump(this.latency, slot * BUCKETS + bucketOf(latencyMs));
    if (ttftMs !== undefined) bump(this.ttft, slot * BUCKETS + bucketOf(ttftMs));
    if (errorClass === undefined) return;
    bump(this.errors, slot);
    bump(this.byClass, slot * CLASSES + (CLASS_INDEX.get(errorClass) ?? 0));
  }

  /** One entry per second of the window, oldest first; seconds without traffic count zero. */
  perSecond(nowMs: number): SecondCounts[] {
    const now = Math.floor(nowMs / 1000);
    const out: SecondCounts[] = [];
    for (let t = now - WINDOW_SECONDS + 1; t <= now; t += 1) {
      const slot = t % WINDOW_SECONDS;
      const live = this.second[slot] === t;
      out.push({ t, requests: live ? this.requests[slot] ?? 0 : 0, errors: live ? this.errors[slot] ?? 0 : 0 });
    }
    return out;
  }

  /** Requests and failures by class in the last `seconds`. */
  counts(nowMs: number, seconds: number): { requests: number; errors: number; byClass: Map<ErrorClass, number> } {
    let requests = 0;
    let errors = 0;
    const byClass = new Map<ErrorClass, number>();
    this.eachLiveSlot(nowMs, seconds, (slot) => {
      requests += this.requests[slot] ?? 0;
      errors += this.errors[slot] ?? 0;
      for (let c = 0; c < CLASSES; c += 1) {
        const n = this.byClass[slot * CLASSES + c] ?? 0;
        const name = ERROR_CLASS_NAMES[c];
        if (n > 0 && name !== undefined) byClass.set(name, (byClass.get(name) ?? 0) + n);
      }
    });
    return { requests, errors, byClass };
  }

  /** Latency (or TTFT) percentiles over the last `seconds` ending `endMs`. */
  percentiles(which: 'latency' | 'ttft', endMs: number, seconds: number): Percentiles {
    const source = which === 'latency' ? this.latency : this.ttft;
    const merged = new Float64Array(BUCKETS);
    let count = 0;
    this.eachLiveSlot(endMs, seconds, (slot) => {
      for (let b = 0; b < BUCKETS; b += 1) {
        const n = source[slot * BUCKETS + b] ?? 0;
        merged[b] = (merged[b] ?? 0) + n;
        count += n;
      }
    });
    return { count, p50Ms: quantile(merged, 0.5), p90Ms: quantile(merged, 0.9), p99Ms: quantile(merged, 0.99) };
  }

  private eachLiveSlot(endMs: number, seconds: number, visit: (slot: number) => void): void {
    const end = Math.floor(endMs / 1000);
    for (let t = end - Math.min(seconds, WINDOW_SECONDS) + 1; t <= end; t += 1) {
      const slot = t % WINDOW_SECONDS;
      if (this.second[slot] === t) visit(slot);
    }
  }

  /** The slot of second `t`, cleared first when it still holds an older second. */
  private slotFor(t: number): number {
    const slot = t % WINDOW_SECONDS;
    if (this.second[slot] !== t) {
      this.second[slot] = t;
      this.requests[slot] = 0;
      this.errors[slot] = 0;
      this.byClass.fill(0, slot * CLASSES, (slot + 1) * CLASSES);
      this.latency.fill(0, slot * BUCKETS, (slot + 1) * BUCKETS);
      this.ttft.fill(0, slot * BUCKETS, (slot + 1) * BUCKETS);
    }
    return slot;
  }
}

function bump(counts: Uint32Array, index: number): void {
  counts[index] = (counts[index] ?? 0) + 1;
}
