import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import type { ApiName, RouteTable } from './route-table.js';

const API_NAMES: Record<ApiName, string> = {
  openai: 'the OpenAI API (/v1/chat/completions, /v1/responses, /v1/completions, /v1/embeddings)',
  anthropic: 'the Anthropic Messages API (/v1/messages)',
};

/**
 * Finds the route of the requested model among the routes of the API the request speaks: its
 * targets (in configured order) become the plan, and its policy, cache and strategy ride along on
 * `ctx.route`. Which target goes first is decided later, just before forward (the balance stage),
 * when the call is really about to be sent.
 */
export function routeStage(table: RouteTable) {
  return async function route(ctx: RequestContext, next: Next): Promise<void> {
    const model = ctx.request!.model;
    const plan = table.match(model, ctx.api.name);
    if ('route' in plan) {
      ctx.route = plan.route;
      ctx.plan = plan.plan;
      return next();
    }
    switch (plan.reason) {
      case 'no_route':
        throw new GatewayError('model_not_found', `The model \`${model}\` does not exist or no route of this gateway serves it`, { param: 'model' });
      case 'other_api':
        throw new GatewayError('api_mismatch', `The model \`${model}\` is served by this gateway through ${API_NAMES[plan.api]}, not through ${API_NAMES[ctx.api.name]}; the gateway does not translate between the two`, { param: 'model' });
      case 'no_upstream':
        throw new GatewayError('api_mismatch', `No upstream of this gateway speaks ${API_NAMES[ctx.api.name]}; add one with \`api: ${ctx.api.name}\` to upstreams`, { param: 'model' });
    }
  };
}
