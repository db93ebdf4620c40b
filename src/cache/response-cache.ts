import type { Records } from '../state/store.js';
import type { RecordedAnswer } from './answer-recorder.js';

/** A stored answer and what it is worth: the model that made it and what it cost then. */
export interface CachedAnswer extends RecordedAnswer {
  /** The model the upstream was asked for: the `model` label of the savings. */
  readonly model: string;
  /** USD the answer cost when it was made; undefined for an unpriced model. */
  readonly costUsd: number | undefined;
}

/**
 * Stored answers by cache key, as JSON in the state store's records: in process (bounded by
 * `cache.maxBytes`, least recently used first out) or in Redis (shared by every replica), each
 * for its route's `ttlSeconds`.
 */
export class ResponseCache {
  constructor(private readonly records: Records) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const value = await this.records.get(key);
    return value === undefined ? undefined : parseEntry(value);
  }

  async put(key: string, answer: CachedAnswer, ttlMs: number): Promise<void> {
    await this.records.set(key, JSON.stringify(answer), { ttlMs });
  }
}

/** An entry another version wrote, or that was cut, is no entry. */
function parseEntry(value: string): CachedAnswer | undefined {
  try {
    const entry = JSON.parse(value) as Partial<CachedAnswer>;
    if (typeof entry.status !== 'number' || typeof entry.contentType !== 'string' || typeof entry.body !== 'string' || typeof entry.model !== 'string') return undefined;
    return { status: entry.status, contentType: entry.contentType, body: entry.body, model: entry.model, costUsd: typeof entry.costUsd === 'number' ? entry.costUsd : undefined };
  } catch {
    return undefined;
  }
}
