import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import type { PriceTable } from './pricing.js';

/**
 * `pricing.onUnpriced: reject`: refuses, before limits count anything and before any upstream call,
 * a request whose route could reach a model without a price. It runs after routing because the
 * price that matters is the routed target's (a route may rename `my-alias` to a priced model, or a
 * priced name to an unpriced local one), and it checks every target, fallbacks included: any of them
 * may end up answering. Resolved lookups are cached by the price table, so this costs a map hit.
 */
export function unpricedStage(prices: PriceTable) {
  return async function unpriced(ctx: RequestContext, next: Next): Promise<void> {
    for (const target of ctx.plan) {
      if (prices.lookup(target.model) !== undefined) continue;
      const asked = ctx.request!.model;
      // The target's name may be an internal one: the client is told only about the model it asked for.
      const which = target.model === asked ? 'it has' : 'a model its route may call has';
      throw new GatewayError('model_not_priced', `Calls to the model \`${asked}\` are refused: ${which} no price on this gateway, and unpriced calls are not allowed here (pricing.onUnpriced: reject)`, { param: 'model' });
    }
    await next();
  };
}
