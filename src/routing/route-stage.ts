import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import type { RouteTable } from './route-table.js';

/**
 * Finds the route of the requested model: its targets (in configured order) become the plan, and
 * its policy, cache and strategy ride along on `ctx.route`. Which target goes first is decided
 * later, just before forward (the balance stage), when the call is really about to be sent.
 */
export function routeStage(table: RouteTable) {
  return async function route(ctx: RequestContext, next: Next): Promise<void> {
    const model = ctx.request!.model;
    const match = table.match(model);
    if (match === undefined) {
      throw new GatewayError('model_not_found', `The model \`${model}\` does not exist or no route of this gateway serves it`, { param: 'model' });
    }
    ctx.route = match.route;
    ctx.plan = match.plan;
    await next();
  };
}
