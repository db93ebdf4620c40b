/*
 * Latency distributions in fixed log-scale buckets, four per doubling from 1 ms up to about 17
 * minutes: a bucket's width is 19% of its value, so a percentile read from merged buckets is within
 * about ±9% of the exact one, in constant memory however many requests there are (the idea of
 * Prometheus's native histograms, small enough to keep here).
 */

export const BUCKETS = 80;
const PER_DOUBLING = 4;

/** The bucket a duration in ms falls in; anything below 1 ms (or not a number) goes in the first. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log2(ms) * PER_DOUBLING));
}

/** The value a bucket stands for: its geometric middle. */
export function bucketValue(bucket: number): number {
  return 2 ** ((bucket + 0.5) / PER_DOUBLING);
}

/** The `q` quantile (0..1) of the counts in `counts` (BUCKETS long); undefined when there are none. */
export function quantile(counts: ArrayLike<number>, q: number): number | undefined {
  let total = 0;
  for (let i = 0; i < BUCKETS; i += 1) total += counts[i] ?? 0;
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i += 1) {
    seen += counts[i] ?? 0;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(BUCKETS - 1);
}
