import { describe, expect, it } from 'vitest';
import { testContext } from '../../test/helpers/context.ts';
import { LiveTail } from './live-tail.ts';
import { WINDOW_SECONDS } from './traffic-window.ts';

const ctx = testContext();

function finish(tail: LiveTail, model: string, key = 'team-a'): void {
  ctx.request = { json: {}, model, stream: false, clientAskedUsage: false, maxTokens: undefined, choices: 1, temperature: undefined };
  ctx.principal = { name: key, limits: {}, admin: false };
  ctx.reply.status = 200;
  ctx.usage = { input: 10, cachedInput: 0, cacheWrite: 0, output: 5, reasoning: 0, source: 'provider' };
  ctx.costUsd = 0.001;
  tail.requestFinished(ctx);
}

describe('the live tail', () => {
  it('when more requests finish than it keeps, then it holds the newest rows only, newest first', () => {
    const tail = new LiveTail({ rows: 20 });
    for (let i = 0; i < 1_000; i += 1) finish(tail, `gpt-${i % 3}`);
    const rows = tail.rowsAfter(0, 500);
    expect(rows).toHaveLength(20);
    expect(rows[0]!.seq).toBe(1_000);
    expect(rows.at(-1)!.seq).toBe(981);
    expect(tail.rowsAfter(995, 500).map((r) => r.seq)).toEqual([1_000, 999, 998, 997, 996]);
  });

  it('when clients send endless model names, then totals keep a bounded number of names and fold the rest into other', () => {
    const tail = new LiveTail({ maxNames: 10 });
    for (let i = 0; i < 5_000; i += 1) finish(tail, `made-up-model-${i}`);
    const models = tail.byModel();
    expect(models).toHaveLength(11);
    expect(models.find((m) => m.name === 'other')?.requests).toBe(4_990);
    expect(models.reduce((sum, m) => sum + m.requests, 0)).toBe(5_000);
    expect(tail.byKey()).toEqual([expect.objectContaining({ name: 'team-a', requests: 5_000, inputTokens: 50_000, outputTokens: 25_000 })]);
  });

  it('when the clock comes round, then a second slot holds only its own second', () => {
    const tail = new LiveTail();
    const t0 = 1_800_000_000_000;
    tail.window.record(t0, undefined, 100, undefined);
    tail.window.record(t0, 'timeout', 30_000, undefined);
    expect(tail.window.counts(t0, 60)).toMatchObject({ requests: 2, errors: 1 });
    const later = t0 + WINDOW_SECONDS * 1000;
    tail.window.record(later, undefined, 50, 20);
    expect(tail.window.counts(later, WINDOW_SECONDS)).toMatchObject({ requests: 1, errors: 0 });
    expect(tail.window.percentiles('ttft', later, 60).count).toBe(1);
    expect(tail.window.perSecond(later)).toHaveLength(WINDOW_SECONDS);
  });
});
