import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { costUsd, type PriceTable } from './pricing.js';
import { usageTap } from './usage-tap.js';

/**
 * Puts the usage tap first on the answer, then, after the answer is complete: the provider's usage,
 * or an estimate (labelled `estimated`) when an answer was delivered without one; then its cost, or
 * a count of the unpriced call. Runs inside `limits`, so limits settle on real numbers.
 */
export function usageStage(prices: PriceTable, recorder: Pick<Recorder, 'unpricedCall'>) {
  return async function usage(ctx: RequestContext, next: Next): Promise<void> {
    const request = ctx.request!;
    ctx.askUsage = request.stream && !request.clientAskedUsage && ctx.api.canAskUsage(ctx.operation!);
    // First, whatever the stage order: the taps after it see the stream the client sees.
    ctx.taps.unshift(usageTap(ctx));
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
  const { reply, request, operation, answer } = ctx;
  if (request === undefined || operation === undefined || !reply.committed) return;
  if (reply.status < 200 || reply.status >= 300) return;
  if (answer.usage !== undefined) ctx.usage = answer.usage;
  else {
    estimator ??= import('./estimate.js');
    ctx.usage = (await estimator).estimateUsage(operation, request.json, answer.text, answer.promptUsage);
  }
  const asked = ctx.upstream.model ?? request.model;
  const price = prices.lookup(answer.model ?? asked) ?? prices.lookup(asked);
  if (price === undefined) recorder.unpricedCall(asked);
  ctx.costUsd = price === undefined ? undefined : costUsd(ctx.usage, price);
}
