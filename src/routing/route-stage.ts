import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import type { RouteTable } from './route-table.js';

/** Turns the requested model into the ordered plan of targets. */
export function routeStage(table: RouteTable) {
  return async function route(ctx: RequestContext, next: Next): Promise<void> {
    const model = ctx.request!.model;
    const plan = table.plan(model);
    if (plan === undefined) {
      throw new GatewayError('model_not_found', `The model \`${model}\` does not exist or no route of this gateway serves it`, { param: 'model' });
    }
    ctx.plan = plan;
    await next();
  };
}
