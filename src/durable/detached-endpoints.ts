import { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext } from '../pipeline/context.js';
import { answerJson } from '../server/reply.js';
import type { OwnEndpoints } from '../server/own-endpoints.js';
import type { DetachedCalls } from './detached.js';

const CALL_PATH = /^\/breakwater\/calls\/([^/]+)$/;

/**
 * `GET /breakwater/calls/{id}` (the call's status, and its answer or error once it ended) and
 * `DELETE /breakwater/calls/{id}` (cancel). Another key's call is 404, worded as for an unknown id.
 */
export function addDetachedEndpoints(own: OwnEndpoints, calls: DetachedCalls): void {
  own.add('GET', CALL_PATH, async (ctx: RequestContext, [id]: readonly string[]) => {
    answerJson(ctx, 200, visible(await calls.view(id!, ctx.principal), id!));
  });
  own.add('DELETE', CALL_PATH, async (ctx: RequestContext, [id]: readonly string[]) => {
    answerJson(ctx, 200, visible(await calls.cancel(id!, ctx.principal), id!));
  });
}

function visible<T>(view: T | undefined, id: string): T {
  if (view === undefined) throw new GatewayError('not_found', `No call found with id '${id.slice(0, 200)}'.`, { param: 'id' });
  return view;
}
