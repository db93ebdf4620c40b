import { GatewayError } from '../errors/gateway-error.js';
import type { Records, StateStore } from '../state/store.js';
import type { OwnedFamily } from './resources.js';

/**
 * Memory backend: ownership records kept (least recently used go first; a forgotten object is
 * nobody's, so its owner gets 404). ~200 bytes each. Redis keeps them all.
 */
const MEMORY_MAX_OWNERS = 250_000;

/** The store failed: refuse rather than guess whose object it is (fail closed). */
function stateUnavailable(cause: unknown): GatewayError {
  return new GatewayError('state_unavailable', 'Resource ownership state is unavailable; try again shortly', { retryAfterSeconds: 1, cause });
}

/** Which gateway key created which upstream object: `<family>:<id>` -> key name, in the shared state store. */
export class Ownership {
  private readonly records: Records;

  constructor(private readonly store: StateStore) {
    this.records = store.records('owners', { maxEntries: MEMORY_MAX_OWNERS });
  }

  /** False while the store is known to be down: a create then would make an object nobody could reach. */
  get writable(): boolean {
    return this.store.health().up;
  }

  /** Throws the 503 `state_unavailable` when the store is known to be down. */
  assertWritable(): void {
    if (!this.writable) throw stateUnavailable(new Error('state store is down'));
  }

  async owner(family: OwnedFamily, id: string): Promise<string | undefined> {
    try {
      return await this.records.get(recordKey(family, id));
    } catch (error) {
      throw stateUnavailable(error);
    }
  }

  /** The first claim wins: an id already owned keeps its owner. */
  async claim(family: OwnedFamily, id: string, key: string): Promise<void> {
    try {
      await this.records.set(recordKey(family, id), key, family.ttlMs === undefined ? { ifAbsent: true } : { ifAbsent: true, ttlMs: family.ttlMs });
    } catch (error) {
      throw stateUnavailable(error);
    }
  }

  async release(family: OwnedFamily, id: string): Promise<void> {
    try {
      await this.records.delete(recordKey(family, id));
    } catch (error) {
      throw stateUnavailable(error);
    }
  }
}

function recordKey(family: OwnedFamily, id: string): string {
  return `${family.name}:${id}`;
}

/** OpenAI's 404 for an object this key does not own; the same words whether it exists or not. */
export function notOwned(family: OwnedFamily, id: string, param = 'id'): GatewayError {
  return new GatewayError('not_found', `No ${family.noun} found with id '${id.slice(0, 200)}'.`, { param });
}
