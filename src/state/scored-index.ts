/** Members of an index may be re-added out of time order by up to a request's lifetime; range() looks this far past `max`. */
const RANGE_SLACK_MS = 15 * 60_000;
/** The overflow holds at most this many times the bound (the sweep empties it every 15 s): past it the oldest is forgotten for good. */
const OVERFLOW_FACTOR = 2;

/**
 * A set whose members are also kept in the order they came, so the oldest is found in O(1).
 * (A Map or Set deleted from the front leaves holes its iterator walks over on every lookup of its
 * first entry: at 20,000 members that cost ~18 µs an add.) Each add's value is a fresh object, so
 * a queue entry is live while its member still maps to that very object; stale entries are skipped
 * and dropped once they outnumber the live ones.
 */
class OrderedMembers<T extends object> {
  readonly live = new Map<string, T>();
  private queue: Array<{ readonly member: string; readonly value: T }> = [];
  private head = 0;

  get size(): number {
    return this.live.size;
  }

  set(member: string, value: T): void {
    this.live.set(member, value);
    this.queue.push({ member, value });
    this.compact();
  }

  delete(member: string): boolean {
    return this.live.delete(member);
  }

  /** Removes and returns the member that has been here longest. */
  shift(): string | undefined {
    while (this.head < this.queue.length) {
      const { member, value } = this.queue[this.head++]!;
      if (this.live.get(member) !== value) continue;
      this.live.delete(member);
      return member;
    }
    return undefined;
  }

  /** Live members, oldest first. */
  *entries(): Generator<{ member: string; value: T }> {
    for (let i = this.head; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      if (this.live.get(entry.member) === entry.value) yield entry;
    }
  }

  private compact(): void {
    if (this.head > 1_024 && this.head > this.queue.length / 2) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queue.length - this.head <= 2 * this.live.size + 1_024) return;
    const kept: Array<{ readonly member: string; readonly value: T }> = [];
    const seen = new Set<string>();
    for (let i = this.queue.length - 1; i >= this.head; i--) {
      const entry = this.queue[i]!;
      if (seen.has(entry.member) || this.live.get(entry.member) !== entry.value) continue;
      seen.add(entry.member);
      kept.push(entry);
    }
    this.queue = kept.reverse();
    this.head = 0;
  }
}

/**
 * One in-process index (members scored by time, like a Redis sorted set of last-call times), bounded.
 * Adds come in time order, so the order of adds is score order: the oldest member is found without
 * a sort or a scan, and an expired-members range stops where scores pass `max`. Past `maxMembers`
 * the oldest member leaves the index for a bounded overflow reported with score 0, so a claim of
 * expired members still finds it and removes it once (a run squeezed out early still ends).
 */
export class ScoredIndex {
  private readonly members = new OrderedMembers<{ readonly score: number }>();
  private readonly overflow = new OrderedMembers<object>();

  constructor(private readonly maxMembers: number) {}

  /** True when the member was in neither the index nor its overflow. */
  add(member: string, score: number): boolean {
    const known = this.members.live.has(member) || this.overflow.delete(member);
    this.members.set(member, { score });
    if (this.members.size > this.maxMembers) this.squeeze();
    return !known;
  }

  remove(member: string): boolean {
    return this.members.delete(member) || this.overflow.delete(member);
  }

  /** Members with min <= score <= max, lowest first, at most `limit` (overflow members score 0). */
  range(min: number, max: number, limit: number): Array<{ member: string; score: number }> {
    const out: Array<{ member: string; score: number }> = [];
    if (min <= 0 && max >= 0) {
      for (const { member } of this.overflow.entries()) {
        if (out.length >= limit) return out;
        out.push({ member, score: 0 });
      }
    }
    const bounded = Number.isFinite(max);
    for (const { member, value: { score } } of this.members.entries()) {
      if (score >= min && score <= max) out.push({ member, score });
      // An expired-members claim: the oldest are enough, and later adds are later in time.
      if (bounded && (out.length >= limit || score > max + RANGE_SLACK_MS)) break;
    }
    return out.sort((a, b) => a.score - b.score).slice(0, limit);
  }

  private squeeze(): void {
    const oldest = this.members.shift();
    if (oldest === undefined) return;
    this.overflow.set(oldest, {});
    if (this.overflow.size > this.maxMembers * OVERFLOW_FACTOR) this.overflow.shift();
  }
}
