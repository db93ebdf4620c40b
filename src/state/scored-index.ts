/** Members of an index may be re-added out of time order by up to a request's lifetime; range() looks this far past `max`. */
const RANGE_SLACK_MS = 15 * 60_000;
/** The overflow holds at most this many times the bound (the sweep empties it every 15 s): past it the oldest is forgotten for good. */
const OVERFLOW_FACTOR = 2;

/**
 * One in-process index (members scored by time, like a Redis sorted set of last-call times), bounded.
 * Adds come in time order, so a queue of adds is score order: the oldest member is found without a
 * sort or a scan, and an expired-members range stops where scores pass `max`. Past `maxMembers` the
 * oldest member leaves the index for a bounded overflow reported with score 0, so a claim of expired
 * members still finds it and removes it once (a run squeezed out early still ends).
 */
export class ScoredIndex {
  private readonly scores = new Map<string, number>();
  private readonly overflow = new Set<string>();
  /** Every add, oldest first from `head`; an entry is live while its member still has its score. */
  private queue: Array<{ readonly member: string; readonly score: number }> = [];
  private head = 0;

  constructor(private readonly maxMembers: number) {}

  /** True when the member was in neither the index nor its overflow. */
  add(member: string, score: number): boolean {
    const known = this.scores.has(member) || this.overflow.delete(member);
    this.scores.set(member, score);
    this.queue.push({ member, score });
    if (this.scores.size > this.maxMembers) this.squeeze();
    this.compact();
    return !known;
  }

  remove(member: string): boolean {
    return this.scores.delete(member) || this.overflow.delete(member);
  }

  /** Members with min <= score <= max, lowest first, at most `limit` (overflow members score 0). */
  range(min: number, max: number, limit: number): Array<{ member: string; score: number }> {
    const out: Array<{ member: string; score: number }> = [];
    if (min <= 0 && max >= 0) {
      for (const member of this.overflow) {
        if (out.length >= limit) return out;
        out.push({ member, score: 0 });
      }
    }
    const bounded = Number.isFinite(max);
    for (let i = this.head; i < this.queue.length; i++) {
      const { member, score } = this.queue[i]!;
      if (this.scores.get(member) !== score) continue;
      if (score >= min && score <= max) out.push({ member, score });
      // An expired-members claim: the oldest are enough, and later adds are later in time.
      if (bounded && (out.length >= limit || score > max + RANGE_SLACK_MS)) break;
    }
    return out.sort((a, b) => a.score - b.score).slice(0, limit);
  }

  private squeeze(): void {
    while (this.head < this.queue.length) {
      const { member, score } = this.queue[this.head++]!;
      if (this.scores.get(member) !== score) continue;
      this.scores.delete(member);
      this.overflow.add(member);
      if (this.overflow.size > this.maxMembers * OVERFLOW_FACTOR) this.overflow.delete(this.overflow.values().next().value!);
      return;
    }
  }

  /** Drops consumed adds, and stale ones once they outnumber the live members: amortised O(1) per add. */
  private compact(): void {
    if (this.head > 1_024 && this.head > this.queue.length / 2) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queue.length - this.head <= 2 * this.scores.size + 1_024) return;
    const live: Array<{ readonly member: string; readonly score: number }> = [];
    const seen = new Set<string>();
    for (let i = this.queue.length - 1; i >= this.head; i--) {
      const entry = this.queue[i]!;
      if (seen.has(entry.member) || this.scores.get(entry.member) !== entry.score) continue;
      seen.add(entry.member);
      live.push(entry);
    }
    this.queue = live.reverse();
    this.head = 0;
  }
}
