import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { costUsd, type PriceTable } from './pricing.js';

/**
 * After the answer is complete: the provider's usage, or an estimate (labelled `estimated`) when an
 * answer was delivered without one; then its cost, or a count of the unpriced call. Runs inside
 * `limits`, so limits settle on real numbers.
 */
export function usageStage(prices: PriceTable, recorder: Pick<Recorder, 'unpricedCall'>) {
  return async function usage(ctx: RequestContext, next: Next): Promise<void> {
    try {
      await next();
    } finally {
      await settleUsage(ctx, prices, recorder);
    }
  };
}

/**
 * The tokenizer's rank tables cost ~66 MiB and ~0.3 s to load; most answers carry their own usage,
 * so it is loaded only the first time an estimate is really needed.
 */
let estimator: Promise<typeof import('./estimate.js')> | undefined;

async function settleUsage(ctx: RequestContext, prices: PriceTable, recorder: Pick<Recorder, 'unpricedCall'>): Promise<void> {
  const { result, request, operation } = ctx;
  if (request === undefined || operation === undefined || !result.committed) return;
  const ok = result.status >= 200 && result.status < 300;
  if (!ok) return;
  if (result.usage !== undefined) ctx.usage = result.usage;
  else {
    estimator ??= import('./estimate.js');
    ctx.usage = (await estimator).estimateUsage(operation, request.json, result.deliveredText);
  }
  const asked = result.targetModel ?? request.model;
  const price = prices.lookup(result.responseModel ?? asked) ?? prices.lookup(asked);
  if (price === undefined) recorder.unpricedCall(asked);
  ctx.costUsd = price === undefined ? undefined : costUsd(ctx.usage, price);
}
