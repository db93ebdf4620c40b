import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyConfig } from '../config/schema.js';
import type { Principal } from '../pipeline/context.js';

export const ANONYMOUS: Principal = Object.freeze({ name: 'anonymous', limits: Object.freeze({}) });

/** `sha256:<hex>` of a key, the form config stores. */
export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

interface StoredKey {
  readonly digest: Buffer;
  readonly principal: Principal;
}

/** Gateway keys by hash; the presented key is hashed and compared in constant time against each. */
export class KeyStore {
  private readonly keys: readonly StoredKey[];

  constructor(keys: readonly KeyConfig[]) {
    this.keys = keys.map((key) => ({
      digest: Buffer.from(key.hash.slice('sha256:'.length), 'hex'),
      principal: Object.freeze({ name: key.name, limits: key.limits }),
    }));
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The principal of a presented key, or undefined. Walks every key so timing does not tell which matched. */
  find(presented: string): Principal | undefined {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: Principal | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.digest, digest)) found = key.principal;
    return found;
  }
}
