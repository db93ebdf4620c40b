import { describe, expect, it } from 'vitest';
import type { Recorder } from '../observe/recorder.js';
import { testContext } from '../../test/helpers/context.ts';
import { MemoryStore } from '../state/memory.js';
import { PriceTable } from '../usage/pricing.js';
import { DailyBudget } from './budget.js';
import { KeyLimiter } from './key-limiter.js';
import { limitStage } from './limit-stage.js';
import { WindowLimit } from './limiters.js';
import { ConcurrencyGate } from './queue.js';

const recorder = new Proxy({}, { get: () => () => undefined }) as Recorder;

describe('the limits stage', () => {
  it('when a passthrough request (no parsed body, no operation) passes, then it holds a concurrency slot and counts one request, nothing else', async () => {
    const store = new MemoryStore();
    const rpm = new WindowLimit(store.counters, 'rpm', 10, 60_000);
    const tpm = new WindowLimit(store.counters, 'tpm', 1_000, 60_000);
    const budget = new DailyBudget(store.counters, 1);
    const counters = new KeyLimiter('team-a', { rpm, tpm, budget }, recorder, { defaultMaxTokens: 4_096, prices: new PriceTable({}) });
    const gate = new ConcurrencyGate({
      key: 'concurrency:team-a', limit: 1, maxQueue: 0, leases: store.leases, leaseTtlMs: 60_000,
      onDepth: () => undefined, onWaited: () => undefined, onRefused: () => undefined, onLeasesLost: () => undefined,
    });
    const stage = limitStage({ keys: new Map([['team-a', { counters, gate }]]), queueTimeoutMs: 1_000, onSettleError: (_ctx, error) => { throw error; } });
    const ctx = testContext({ operation: undefined, method: 'GET', path: '/files' });
    ctx.principal = { name: 'team-a', limits: {}, admin: false };

    let slotsWhileRunning = -1;
    await stage(ctx, async () => {
      slotsWhileRunning = await store.leases.count('concurrency:team-a');
    });
    expect(slotsWhileRunning).toBe(1);
    await expect.poll(() => store.leases.count('concurrency:team-a')).toBe(0);
    expect((await rpm.take('team-a', 0)).state.remaining).toBe(9);
    expect((await tpm.take('team-a', 0)).state.remaining).toBe(1_000);
    expect(await budget.spent('team-a')).toBe(0);
    expect(ctx.replyHeaders['x-ratelimit-remaining-requests']).toBe('9');
    expect(ctx.replyHeaders['x-ratelimit-limit-tokens']).toBeUndefined();
  });
});
