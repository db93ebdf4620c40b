import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { costUsd, type PriceTable } from './pricing.js';
import type { TokenUsage } from './types.js';
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
  if (request === undefined || operation === undefined || !reply.committed || ctx.usageElsewhere) return;
  if (reply.status < 200 || reply.status >= 300) return;
  let usage = answer.usage;
  if (usage === undefined) {
    estimator ??= import('./estimate.js');
    usage = (await estimator).estimateUsage(operation, request.json, answer.text, answer.promptUsage);
  }
  priceUsage(ctx, usage, ctx.upstream.model ?? request.model, prices, recorder);
}

/**
 * The request's final usage and its cost at the answer's model (else the model asked), or a count of
 * the unpriced call. Also for a background response's usage first seen on a retrieve.
 */
export function priceUsage(ctx: RequestContext, usage: TokenUsage, asked: string, prices: PriceTable, recorder: Pick<Recorder, 'unpricedCall'>): void {
  ctx.usage = usage;
  const price = prices.lookup(ctx.answer.model ?? asked) ?? prices.lookup(asked);
  if (price === undefined) recorder.unpricedCall(asked);
  ctx.costUsd = price === undefined ? undefined : costUsd(usage, price);
}
