import { describe, expect, it } from 'vitest';
import type { Recorder } from '../observe/recorder.js';
import type { ParsedRequest, RequestContext } from '../pipeline/context.js';
import { MemoryStore } from '../state/memory.js';
import { DailyBudget } from './budget.js';
import { KeyLimiter } from './key-limiter.js';
import { WindowLimit } from './limiters.js';
import { PriceTable } from '../usage/pricing.js';

const recorder = new Proxy({}, { get: () => () => undefined }) as Recorder;

function limiter(): { limiter: KeyLimiter; store: MemoryStore; rpm: WindowLimit; tpm: WindowLimit; budget: DailyBudget } {
  const store = new MemoryStore();
  const rpm = new WindowLimit(store.counters, 'rpm', 10, 60_000);
  const tpm = new WindowLimit(store.counters, 'tpm', 10_000, 60_000);
  const budget = new DailyBudget(store.counters, 1);
  return { limiter: new KeyLimiter('team-a', { rpm, tpm, budget }, recorder, { defaultMaxTokens: 4_096, prices: new PriceTable({ 'gpt-4o-mini': { input: 100, output: 400 } }) }), store, rpm, tpm, budget };
}

function context(request: Partial<ParsedRequest> | undefined): RequestContext {
  return {
    principal: { name: 'team-a', limits: {} },
    body: Buffer.alloc(4_000, 'x'),
    operation: request === undefined ? undefined : 'chat',
    request: request === undefined ? undefined : { json: {}, model: 'gpt-4o-mini', stream: false, clientAskedUsage: false, maxTokens: undefined, choices: 1, temperature: undefined, ...request },
    plan: [],
    usage: undefined,
    costUsd: undefined,
  } as unknown as RequestContext;
}

describe('KeyLimiter', () => {
  it('counts a passthrough request (no parsed body) against rpm only: no token or budget reservation', async () => {
    const { limiter: keyLimiter, rpm, tpm, budget } = limiter();
    const ctx = context(undefined);
    const admission = await keyLimiter.admit(ctx);
    expect(admission.rejection).toBeUndefined();
    expect(admission.tokens).toBeUndefined();
    expect((await rpm.take('team-a', 0)).state.remaining).toBe(9);
    expect((await tpm.take('team-a', 0)).state.remaining).toBe(10_000);
    await keyLimiter.settle(admission, ctx);
    expect((await tpm.take('team-a', 0)).state.remaining).toBe(10_000);
    expect(await budget.spent('team-a')).toBe(0);
    expect((await rpm.take('team-a', 0)).state.remaining).toBe(9);
  });

  it('reserves the prompt plus max_tokens times n for an understood request', async () => {
    const { limiter: keyLimiter, tpm } = limiter();
    const admission = await keyLimiter.admit(context({ maxTokens: 1_000, choices: 3 }));
    expect(admission.tokens?.points).toBe(1_000 + 3 * 1_000);
    expect((await tpm.take('team-a', 0)).state.remaining).toBe(10_000 - 4_000);
  });

  it('refuses a reservation larger than the whole tpm up front, says retrying cannot help, and counts nothing', async () => {
    const { limiter: keyLimiter, rpm, tpm } = limiter();
    const admission = await keyLimiter.admit(context({ maxTokens: 5_000, choices: 2 }));
    expect(admission.rejection).toMatchObject({ code: 'gateway_rate_limited', retryAfterSeconds: undefined });
    expect(admission.rejection?.message).toContain('Limit 10000, Requested 11000');
    expect(admission.headers['x-should-retry']).toBe('false');
    expect((await rpm.take('team-a', 0)).state.remaining).toBe(10);
    expect((await tpm.take('team-a', 0)).state.remaining).toBe(10_000);
  });

  it('reserves the prompt cost estimate against the budget and settles it to the real cost, or to 0 for a failed call', async () => {
    const { limiter: keyLimiter, budget } = limiter();
    // 4,000 bytes: 1,000 estimated prompt tokens at $100 per million.
    const ok = context({});
    const admission = await keyLimiter.admit(ok);
    expect(admission.spend?.micros).toBe(100_000);
    expect(await budget.spent('team-a')).toBeCloseTo(0.1, 9);
    ok.costUsd = 0.25;
    await keyLimiter.settle(admission, ok);
    expect(await budget.spent('team-a')).toBeCloseTo(0.25, 9);

    const failed = context({});
    await keyLimiter.settle(await keyLimiter.admit(failed), failed);
    expect(await budget.spent('team-a')).toBeCloseTo(0.25, 9);
  });
});
