import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { RequestContext } from '../pipeline/context.js';
import type { PriceTable } from '../usage/pricing.js';
import { secondsToUtcMidnight, type DailyBudget, type SpendReservation } from './budget.js';
import { rateLimitHeaders, type WindowState } from './headers.js';
import type { Taken, WindowLimit } from './limiters.js';
import { promptTokens, reservedTokens, usedTokens } from './reservation.js';

/** Counters of one key; any of them may be absent. */
export interface KeyCounters {
  readonly rpm: WindowLimit | undefined;
  readonly tpm: WindowLimit | undefined;
  readonly budget: DailyBudget | undefined;
}

export interface KeyLimiterOptions {
  readonly defaultMaxTokens: number;
  /** Input prices, for the budget reservation's cost estimate. */
  readonly prices: PriceTable;
}

/** What a request took on admission, to settle or give back when it ends. */
export interface Admission {
  readonly headers: Record<string, string>;
  /** Set when the request is refused; its headers still go on the 429. */
  readonly rejection: GatewayError | undefined;
  readonly requests: Taken | undefined;
  readonly tokens: Taken | undefined;
  readonly spend: SpendReservation | undefined;
}

/** A window's use against its limit. */
export interface WindowUsage {
  readonly used: number;
  readonly limit: number;
}

/** A key's counted limits, as the console shows them; absent: the key has no such limit. */
export interface CountedUsage {
  readonly rpm: WindowUsage | undefined;
  readonly tpm: WindowUsage | undefined;
  readonly budget: { readonly spentUsd: number; readonly limitUsd: number } | undefined;
}

interface Refusal {
  readonly error: GatewayError;
  /** No retry can cure it: the answer says `x-should-retry: false`. */
  readonly final: boolean;
}

/**
 * Admission against the shared counters of one key: one request, a token reservation and a spend
 * reservation, all sent at once (one store round trip of latency). A refusal by any of them gives
 * back what the others took, so refused requests cost the key nothing.
 */
export class KeyLimiter {
  constructor(readonly name: string, private readonly counters: KeyCounters, private readonly recorder: Recorder, private readonly options: KeyLimiterOptions) {}

  async admit(ctx: RequestContext): Promise<Admission> {
    const { rpm, tpm, budget } = this.counters;
    // Passthrough has no parsed body: it counts as a request; its tokens and cost are unknown.
    const understood = ctx.request !== undefined && ctx.operation !== undefined;
    const [requests, tokens, spend] = await Promise.allSettled([
      rpm?.take(this.name, 1),
      understood ? tpm?.take(this.name, this.tokensToReserve(ctx)) : undefined,
      understood ? budget?.reserve(this.name, this.costToReserve(ctx)) : undefined,
    ]);
    const took = {
      requests: requests.status === 'fulfilled' ? requests.value : undefined,
      tokens: tokens.status === 'fulfilled' ? tokens.value : undefined,
      spend: spend.status === 'fulfilled' ? spend.value : undefined,
    };
    const failed = [requests, tokens, spend].find((r) => r.status === 'rejected');
    if (failed !== undefined) {
      await this.giveBackAll(took).catch(() => undefined);
      throw failed.reason;
    }
    if (took.spend !== undefined) this.recorder.budgetState(this.name, took.spend.spentUsd, budget!.limitUsd);
    const refusal = this.refusal(took);
    if (refusal !== undefined) {
      await this.giveBackAll(took);
      const headers = this.headers(took.requests, took.tokens, true);
      // The OpenAI SDKs read this header: a request that can never fit is not worth their retries.
      if (refusal.final) headers['x-should-retry'] = 'false';
      return { headers, rejection: refusal.error, requests: undefined, tokens: undefined, spend: undefined };
    }
    return { headers: this.headers(took.requests, took.tokens, false), rejection: undefined, ...took };
  }

  /** What this key has used of each counted limit now (read-only, for the console). */
  async usage(): Promise<CountedUsage> {
    const { rpm, tpm, budget } = this.counters;
    const [requests, tokens, spentUsd] = await Promise.all([rpm?.used(this.name), tpm?.used(this.name), budget?.spent(this.name)]);
    return {
      rpm: rpm === undefined || requests === undefined ? undefined : { used: requests, limit: rpm.limit },
      tpm: tpm === undefined || tokens === undefined ? undefined : { used: tokens, limit: tpm.limit },
      budget: budget === undefined || spentUsd === undefined ? undefined : { spentUsd, limitUsd: budget.limitUsd },
    };
  }

  /** A request refused after admission (queue full or timed out): give back what it took. */
  async refund(admission: Admission): Promise<void> {
    await this.giveBackAll(admission);
  }

  /**
   * The request is over: move the reservations to real usage and cost. Usage nothing was reserved
   * for (a passthrough retrieve that first saw a background response completed) is charged as is.
   */
  async settle(admission: Admission, ctx: RequestContext): Promise<void> {
    const { tpm, budget } = this.counters;
    const work: Array<Promise<unknown>> = [];
    if (tpm !== undefined && admission.tokens !== undefined) work.push(tpm.settle(this.name, admission.tokens, usedTokens(ctx.usage)));
    else if (tpm !== undefined && ctx.usage !== undefined) work.push(tpm.charge(this.name, usedTokens(ctx.usage)));
    if (budget !== undefined && admission.spend !== undefined) {
      work.push(budget.settle(admission.spend, ctx.costUsd ?? 0).then((total) => this.recorder.budgetState(this.name, total, budget.limitUsd)));
    } else if (budget !== undefined && ctx.costUsd !== undefined) {
      work.push(budget.charge(this.name, ctx.costUsd).then((total) => this.recorder.budgetState(this.name, total, budget.limitUsd)));
    }
    await Promise.all(work);
  }

  private tokensToReserve(ctx: RequestContext): number {
    return reservedTokens({
      operation: ctx.operation!,
      bodyBytes: ctx.body.length,
      maxTokens: ctx.request!.maxTokens,
      choices: ctx.request!.choices,
      defaultMaxTokens: this.options.defaultMaxTokens,
    });
  }

  /** The prompt's cost estimate (the tpm estimate's tokens at the model's input price); 0 for a model without a price. */
  private costToReserve(ctx: RequestContext): number {
    const model = ctx.plan[0]?.model ?? ctx.request!.model;
    const price = this.options.prices.lookup(model);
    return price === undefined ? 0 : (promptTokens(ctx.body.length) * price.input) / 1_000_000;
  }

  private refusal(took: { requests: Taken | undefined; tokens: Taken | undefined; spend: SpendReservation | undefined }): Refusal | undefined {
    const { requests, tokens, spend } = took;
    if (spend !== undefined && !spend.admitted) {
      this.recorder.rateLimited(this.name, 'budget');
      const limitUsd = this.counters.budget!.limitUsd;
      return { error: new GatewayError('budget_exceeded', `Daily budget of $${limitUsd} for this key is used up ($${spend.spentUsd.toFixed(4)} spent or reserved by calls in flight); it resets at 00:00 UTC`, { retryAfterSeconds: secondsToUtcMidnight(new Date()) }), final: false };
    }
    if (requests !== undefined && !requests.admitted) {
      this.recorder.rateLimited(this.name, 'rpm');
      return { error: new GatewayError('gateway_rate_limited', `Rate limit reached for requests: limit ${requests.state.limit} per minute for this key`, { retryAfterSeconds: requests.retryAfterMs / 1_000 }), final: false };
    }
    if (tokens !== undefined && !tokens.admitted) {
      this.recorder.rateLimited(this.name, 'tpm');
      const { limit } = tokens.state;
      if (tokens.points > limit) {
        return { error: new GatewayError('gateway_rate_limited', `Request too large for this key on tokens per min (TPM): Limit ${limit}, Requested ${tokens.points}. The input or output tokens must be reduced (max_tokens, n) in order to run successfully.`), final: true };
      }
      return { error: new GatewayError('gateway_rate_limited', `Rate limit reached for tokens per min (TPM) for this key: Limit ${limit}, Requested ${tokens.points}`, { retryAfterSeconds: tokens.retryAfterMs / 1_000 }), final: false };
    }
    return undefined;
  }

  /** Headers as the client should read them: a refused request's give-back shows in `remaining`. */
  private headers(requests: Taken | undefined, tokens: Taken | undefined, refused: boolean): Record<string, string> {
    const shown = (taken: Taken | undefined): WindowState | undefined => {
      if (taken === undefined) return undefined;
      if (!refused || !taken.admitted) return taken.state;
      return { ...taken.state, remaining: Math.min(taken.state.limit, taken.state.remaining + taken.points) };
    };
    return rateLimitHeaders(shown(requests), shown(tokens));
  }

  /** A refused take counted nothing; an admitted one is returned when another counter refused. */
  private async giveBackAll(took: { requests: Taken | undefined; tokens: Taken | undefined; spend: SpendReservation | undefined }): Promise<void> {
    const { requests, tokens, spend } = took;
    const work: Array<Promise<unknown>> = [];
    if (requests?.admitted === true) work.push(this.counters.rpm!.giveBack(this.name, requests.points, requests.windowStart));
    if (tokens?.admitted === true) work.push(this.counters.tpm!.giveBack(this.name, tokens.points, tokens.windowStart));
    if (spend?.admitted === true) work.push(this.counters.budget!.settle(spend, 0));
    await Promise.all(work);
  }
}
