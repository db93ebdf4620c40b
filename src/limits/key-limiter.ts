import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { RequestContext } from '../pipeline/context.js';
import type { DailyBudget } from './budget.js';
import { secondsToUtcMidnight } from './budget.js';
import { rateLimitHeaders, type WindowState } from './headers.js';
import type { Taken, WindowLimit } from './limiters.js';
import { reservedTokens, usedTokens } from './reservation.js';

/** Counters of one key; any of them may be absent. */
export interface KeyCounters {
  readonly rpm: WindowLimit | undefined;
  readonly tpm: WindowLimit | undefined;
  readonly budget: DailyBudget | undefined;
}

/** What a request took on admission, to settle or give back when it ends. */
export interface Admission {
  readonly headers: Record<string, string>;
  /** Set when the request is refused; its headers still go on the 429. */
  readonly rejection: GatewayError | undefined;
  readonly requests: Taken | undefined;
  readonly tokens: Taken | undefined;
}

/**
 * Admission against the shared counters of one key: budget check, one request, a token
 * reservation, all sent at once (one store round trip of latency). A refusal by any of them gives
 * back what the others took, so refused requests cost the key nothing.
 */
export class KeyLimiter {
  constructor(readonly name: string, private readonly counters: KeyCounters, private readonly recorder: Recorder, private readonly defaultMaxTokens: number) {}

  async admit(ctx: RequestContext): Promise<Admission> {
    const { rpm, tpm, budget } = this.counters;
    // Passthrough has no parsed body: it counts as a request; its tokens and cost are unknown.
    const understood = ctx.request !== undefined && ctx.operation !== undefined;
    const reserve = tpm === undefined || ctx.request === undefined || ctx.operation === undefined ? undefined : reservedTokens({
      operation: ctx.operation,
      bodyBytes: ctx.body.length,
      maxTokens: ctx.request.maxTokens,
      choices: ctx.request.choices,
      defaultMaxTokens: this.defaultMaxTokens,
    });
    const [spent, requests, tokens] = await Promise.allSettled([
      understood ? budget?.spent(this.name) : undefined,
      rpm?.take(this.name, 1),
      reserve === undefined ? undefined : tpm?.take(this.name, reserve),
    ]);
    const failed = [spent, requests, tokens].find((r) => r.status === 'rejected');
    const took = {
      requests: requests.status === 'fulfilled' ? requests.value : undefined,
      tokens: tokens.status === 'fulfilled' ? tokens.value : undefined,
    };
    if (failed !== undefined) {
      await this.giveBackAll(took.requests, took.tokens).catch(() => undefined);
      throw failed.reason;
    }
    const refusal = this.rejection(spent.status === 'fulfilled' ? spent.value : undefined, took.requests, took.tokens);
    if (refusal !== undefined) {
      await this.giveBackAll(took.requests, took.tokens);
      const headers = this.headers(took.requests, took.tokens, true);
      // The OpenAI SDKs read this header: a request that can never fit is not worth their retries.
      if (refusal.final) headers['x-should-retry'] = 'false';
      return { headers, rejection: refusal.error, requests: undefined, tokens: undefined };
    }
    return { headers: this.headers(took.requests, took.tokens, false), rejection: undefined, ...took };
  }

  /** A request refused after admission (queue full or timed out): give back what it took. */
  async refund(admission: Admission): Promise<void> {
    await this.giveBackAll(admission.requests, admission.tokens);
  }

  /** The request is over: move the token reservation to real usage and charge its cost. */
  async settle(admission: Admission, ctx: RequestContext): Promise<void> {
    const { tpm, budget } = this.counters;
    const work: Array<Promise<unknown>> = [];
    if (tpm !== undefined && admission.tokens !== undefined) work.push(tpm.settle(this.name, admission.tokens, usedTokens(ctx.usage)));
    if (budget !== undefined && ctx.costUsd !== undefined && ctx.costUsd > 0) {
      work.push(budget.charge(this.name, ctx.costUsd).then((total) => this.recorder.budgetState(this.name, total, budget.limitUsd)));
    }
    await Promise.all(work);
  }

  private rejection(spent: number | undefined, requests: Taken | undefined, tokens: Taken | undefined): { error: GatewayError; final: boolean } | undefined {
    const budget = this.counters.budget;
    if (budget !== undefined && spent !== undefined) {
      this.recorder.budgetState(this.name, spent, budget.limitUsd);
      if (spent >= budget.limitUsd) {
        this.recorder.rateLimited(this.name, 'budget');
        return { error: new GatewayError('budget_exceeded', `Daily budget of $${budget.limitUsd} for this key is used up ($${spent.toFixed(4)} spent); it resets at 00:00 UTC`, { retryAfterSeconds: secondsToUtcMidnight(new Date()) }), final: false };
      }
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

  private async giveBackAll(requests: Taken | undefined, tokens: Taken | undefined): Promise<void> {
    const work: Array<Promise<void>> = [];
    // A refused take counted nothing; an admitted one is returned when another counter refused.
    if (requests?.admitted === true) work.push(this.counters.rpm!.giveBack(this.name, requests.points, requests.windowStart));
    if (tokens?.admitted === true) work.push(this.counters.tpm!.giveBack(this.name, tokens.points, tokens.windowStart));
    await Promise.all(work);
  }
}
