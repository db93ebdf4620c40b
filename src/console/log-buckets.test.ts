import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, quantile } from './log-buckets.ts';

describe('log buckets', () => {
  it('when many latencies are counted, then p50, p90 and p99 are within 10% of the exact ones', () => {
    const counts = new Array<number>(BUCKETS).fill(0);
    const values = Array.from({ length: 10_000 }, (_, i) => 5 + ((i * 7919) % 10_000) * 0.3);
    for (const value of values) counts[bucketOf(value)]! += 1;
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(Math.abs(quantile(counts, q)! - exact) / exact).toBeLessThan(0.1);
    }
  });

  it('when nothing was counted, then there is no percentile', () => {
    expect(quantile(new Array<number>(BUCKETS).fill(0), 0.5)).toBeUndefined();
  });

  it('when a value is below 1 ms, far too large or not a number, then it still lands in a bucket', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(1e12)).toBe(BUCKETS - 1);
  });
});
