import { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext } from '../pipeline/context.js';
import { answerJson } from '../server/reply.js';
import type { OwnEndpoints } from '../server/own-endpoints.js';
import type { RunStore } from './run-store.js';

const LIST_LIMIT = 100;

/**
 * The run API: a run's record to the key that made it (or the admin key), and the caller's active
 * runs. Any other key gets 404, as for a run that does not exist. Never prompt or completion text:
 * the record holds counts, tokens, cost, models and times only.
 */
export function addRunEndpoints(own: OwnEndpoints, store: RunStore): void {
  own.add('GET', /^\/breakwater\/runs\/([^/]+)$/, async (ctx, [id]) => {
    const key = ctx.principal.admin ? await store.ownerOf(id!) : ctx.principal.name;
    const run = key === undefined ? undefined : await store.get(key, id!);
    if (run === undefined) throw new GatewayError('not_found', `No run found with id '${id!.slice(0, 200)}'.`, { param: 'id' });
    answerJson(ctx, 200, run);
  });
  own.add('GET', /^\/breakwater\/runs$/, async (ctx) => {
    const query = new URLSearchParams(queryOf(ctx));
    const limit = Math.min(LIST_LIMIT, Math.max(1, Number(query.get('limit') ?? LIST_LIMIT) || LIST_LIMIT));
    const runs = await store.active(ctx.principal.admin ? undefined : ctx.principal.name, limit);
    answerJson(ctx, 200, { object: 'list', data: runs });
  });
}

function queryOf(ctx: RequestContext): string {
  const url = ctx.req.url ?? '';
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}
