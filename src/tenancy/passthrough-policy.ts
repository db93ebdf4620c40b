import type { KeyConfig } from '../config/schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { pathGlobs } from '../routing/globs.js';

type PathTest = (pathBelowV1: string) => boolean;

/**
 * `keys[].passthrough`: which other `/v1/*` paths a key may call. Path globs (`/` separates
 * segments) are compiled once at start; keys left at `allow` have no entry and pay one map lookup.
 */
export function passthroughPolicyStage(keys: readonly KeyConfig[]) {
  const tests = new Map<string, PathTest>();
  for (const key of keys) {
    if (key.passthrough === 'allow') continue;
    tests.set(key.name, key.passthrough === 'deny' ? () => false : pathGlobs(key.passthrough));
  }
  return async function passthroughPolicy(ctx: RequestContext, next: Next): Promise<void> {
    const allowed = tests.get(ctx.principal.name);
    if (allowed !== undefined && !allowed(ctx.path.slice(1))) {
      throw new GatewayError('passthrough_denied', `This key may not call /v1${ctx.path.slice(0, 200)} through the gateway`);
    }
    await next();
  };
}
