import { performance } from 'node:perf_hooks';
import type { Next, RequestContext } from '../pipeline/context.js';
import type { KeyLimiter } from './key-limiter.js';
import { parsePriority, PRIORITY_HEADER, type ConcurrencyGate, type Release } from './queue.js';

/** Everything limited about one key; a key with no limits has no entry and pays nothing. */
export interface KeyLimits {
  readonly counters: KeyLimiter | undefined;
  readonly gate: ConcurrencyGate | undefined;
}

export interface LimitStageDeps {
  readonly keys: ReadonlyMap<string, KeyLimits>;
  readonly queueTimeoutMs: number;
  readonly onSettleError: (ctx: RequestContext, error: unknown) => void;
}

/**
 * Admit, queue or refuse. Counters first (a refusal is cheap and needs no slot), then a
 * concurrency slot; on the way out, after usage and cost are final (the usage stage runs inside
 * this one), the slot is freed and the counters settle.
 */
export function limitStage(deps: LimitStageDeps) {
  return async function limits(ctx: RequestContext, next: Next): Promise<void> {
    const key = deps.keys.get(ctx.principal.name);
    if (key === undefined) return next();
    const { counters, gate } = key;
    let admission;
    if (counters !== undefined) {
      admission = await counters.admit(ctx);
      Object.assign(ctx.replyHeaders, admission.headers);
      if (admission.rejection !== undefined) throw admission.rejection;
    }
    let release: Release | undefined;
    if (gate !== undefined) {
      const queuedFrom = performance.now();
      try {
        release = await gate.acquire(parsePriority(ctx.req.headers[PRIORITY_HEADER]), deps.queueTimeoutMs, ctx.clientSignal);
      } catch (error) {
        if (admission !== undefined) await counters!.refund(admission).catch((e: unknown) => deps.onSettleError(ctx, e));
        throw error;
      } finally {
        ctx.waits.queueMs = performance.now() - queuedFrom;
      }
    }
    try {
      await next();
    } finally {
      release?.();
      if (admission !== undefined) await counters!.settle(admission, ctx).catch((e: unknown) => deps.onSettleError(ctx, e));
    }
  };
}
