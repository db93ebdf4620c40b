import { createHash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import type { RequestContext } from '../pipeline/context.js';

/** Keys sorted at every depth, no whitespace: two bodies that differ only in key order or spacing are one. The one file importing safe-stable-stringify. */
const canonical = configure({ deterministic: true, circularValue: Error });

/**
 * The cache key of a call: sha256 of who asks (the gateway key's name: never shared across keys),
 * where it goes (the route and each of its targets, upstream and model, so a route sent elsewhere
 * starts afresh), what it asks for (method, path and query) and the whole body as the upstream
 * will get it (after policy), canonical. Stream and non-stream calls differ by their `stream` field.
 */
export function cacheKey(ctx: RequestContext): string {
  const where = ctx.plan.map((target) => `${target.upstream}/${target.model}`);
  const head = JSON.stringify([1, ctx.principal.name, ctx.route?.label, where, ctx.req.method, ctx.req.url]);
  return createHash('sha256').update(head).update('\n').update(canonical(ctx.request!.json) ?? '').digest('hex');
}
