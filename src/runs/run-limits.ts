import type { KeyLimits } from '../config/schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import { guarded } from '../limits/limiters.js';
import { promptTokens } from '../limits/reservation.js';
import type { RequestContext } from '../pipeline/context.js';
import type { Counters, WindowSpec, WindowState } from '../state/store.js';
import type { PriceTable } from '../usage/pricing.js';
import { ENDED_KEPT_MS } from './run-store.js';

const MICRO = 1_000_000;
/** A run's counters never roll over: they live as long as the run (their ttl), not by windows. */
const FOREVER_MS = 10 * 365 * 86_400_000;

/** What a call took from its run's limits, to settle when it ends. */
export interface RunReservation {
  readonly callsKey: string | undefined;
  readonly spendKey: string | undefined;
  readonly spendMicros: number;
  readonly callsSpec: WindowSpec | undefined;
  readonly spendSpec: WindowSpec | undefined;
}

/**
 * `limits.runBudgetUsd` and `limits.runMaxCalls`, exact across replicas: a call takes one call and
 * reserves its prompt's estimated cost (the `below` rule: refused once spent plus reserved reaches
 * the budget, so parallel calls can overshoot only by their own output), and settles to its real
 * cost after. A call that never reached the upstream gives its call back.
 */
export class RunLimits {
  constructor(private readonly counters: Counters, private readonly prices: PriceTable, private readonly idleMs: number) {}

  async reserve(ctx: RequestContext, runId: string, limits: KeyLimits): Promise<RunReservation | undefined> {
    const { runBudgetUsd, runMaxCalls } = limits;
    if (runBudgetUsd === undefined && runMaxCalls === undefined) return undefined;
    const key = ctx.principal.name;
    const ttlMs = this.idleMs + ENDED_KEPT_MS;
    const callsSpec = runMaxCalls === undefined ? undefined : { limit: runMaxCalls, windowMs: FOREVER_MS, ttlMs };
    const spendSpec = runBudgetUsd === undefined ? undefined : { limit: Math.ceil(runBudgetUsd * MICRO), windowMs: FOREVER_MS, ttlMs };
    const callsKey = callsSpec === undefined ? undefined : `runcalls:${key}:${runId}`;
    const spendKey = spendSpec === undefined ? undefined : `runspend:${key}:${runId}`;
    const spendMicros = spendSpec === undefined ? 0 : this.estimateMicros(ctx);
    const [calls, spend] = await guarded(() => Promise.all([
      callsKey === undefined ? undefined : this.counters.take(callsKey, 1, callsSpec!, 'fits'),
      spendKey === undefined ? undefined : this.counters.take(spendKey, spendMicros, spendSpec!, 'below'),
    ]));
    const refusal = refusalOf(calls, spend, runMaxCalls, runBudgetUsd);
    if (refusal === undefined) return { callsKey, spendKey, spendMicros, callsSpec, spendSpec };
    // What the other counter took is given back: a refused call costs the run nothing.
    await guarded(() => Promise.all([
      calls?.admitted === true ? this.counters.adjust(callsKey!, -1, callsSpec!) : undefined,
      spend?.admitted === true ? this.counters.adjust(spendKey!, -spendMicros, spendSpec!) : undefined,
    ]));
    throw refusal;
  }

  /** The call ended: its real cost replaces the estimate; a call that never reached an upstream is given back. */
  async settle(reservation: RunReservation, costUsd: number | undefined, reachedUpstream: boolean): Promise<void> {
    const { callsKey, callsSpec, spendKey, spendSpec, spendMicros } = reservation;
    await guarded(() => Promise.all([
      callsKey !== undefined && !reachedUpstream ? this.counters.adjust(callsKey, -1, callsSpec!) : undefined,
      spendKey === undefined ? undefined : this.counters.adjust(spendKey, Math.ceil((costUsd ?? 0) * MICRO) - spendMicros, spendSpec!),
    ]));
  }

  /** The prompt's cost at the first target's input price (body bytes / 4 tokens, the limits' own estimate). */
  private estimateMicros(ctx: RequestContext): number {
    const price = this.prices.lookup(ctx.plan[0]?.model ?? ctx.request?.model ?? '');
    return price === undefined ? 0 : Math.ceil(promptTokens(ctx.body.length) * price.input);
  }
}

function refusalOf(calls: WindowState | undefined, spend: WindowState | undefined, maxCalls: number | undefined, budgetUsd: number | undefined): GatewayError | undefined {
  if (calls !== undefined && !calls.admitted) {
    return new GatewayError('run_call_limit_exceeded', `This agent run has made its ${maxCalls} calls (limits.runMaxCalls); start a new run`);
  }
  if (spend !== undefined && !spend.admitted) {
    return new GatewayError('run_budget_exceeded', `This agent run has spent its budget of $${budgetUsd} ($${(spend.used / MICRO).toFixed(4)} spent or reserved by calls in flight); start a new run`);
  }
  return undefined;
}
