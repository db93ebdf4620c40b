import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyConfig } from '../config/schema.js';
import type { Principal } from '../pipeline/context.js';

export const ANONYMOUS: Principal = Object.freeze({ name: 'anonymous', limits: Object.freeze({}), admin: false });
/** The operator, by `admin.keyHash`: the gateway's own endpoints and the console, every key's data. Never a model caller. */
export const ADMIN: Principal = Object.freeze({ name: 'admin', limits: Object.freeze({}), admin: true });

/** `sha256:<hex>` of a key, the form config stores. */
export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

interface StoredKey {
  readonly digest: Buffer;
  readonly principal: Principal;
}

/** Gateway keys (and the admin key) by hash; the presented key is hashed and compared in constant time against each. */
export class KeyStore {
  private readonly keys: readonly StoredKey[];

  constructor(keys: readonly KeyConfig[], adminHash?: string) {
    const stored: StoredKey[] = keys.map((key) => ({
      digest: digestOf(key.hash),
      principal: Object.freeze({ name: key.name, limits: key.limits, admin: false }),
    }));
    if (adminHash !== undefined) stored.push({ digest: digestOf(adminHash), principal: ADMIN });
    this.keys = stored;
    this.enabled = keys.length > 0;
    this.hasAdmin = adminHash !== undefined;
  }

  /** Gateway keys are configured: callers must present one (the admin key alone does not make a gateway keyed). */
  readonly enabled: boolean;
  readonly hasAdmin: boolean;

  /** The principal of a presented key, or undefined. Walks every key so timing does not tell which matched. */
  find(presented: string): Principal | undefined {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: Principal | undefined;
    for (const key of this.keys) if (timingSafeEqual(key.digest, digest)) found = key.principal;
    return found;
  }
}

function digestOf(hash: string): Buffer {
  return Buffer.from(hash.slice('sha256:'.length), 'hex');
}
