import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

// 100 input + 100 output tokens at $1000 per million each: exactly $0.20 per call.
const USAGE = JSON.stringify({ prompt_tokens: 100, completion_tokens: 100 });
const PRICING = { models: { 'budget-model': { input: 1_000, output: 1_000 } } };

describe('when a key has spent its daily budget', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { dailyBudgetUsd: 0.5 } }, { name: 'team-b', secret: 'sk-team-b', limits: { dailyBudgetUsd: 0.5 } }], { pricing: PRICING }));
  });

  it('then the next request gets 429 budget_exceeded until the next UTC midnight, and other keys are untouched', async () => {
    // $0.00, $0.20, $0.40 spent before each: all under $0.50, so all three run (the third overshoots to $0.60).
    for (let i = 1; i <= 3; i++) {
      const answer = await chat(gw, 'sk-team-a', { 'x-fake-usage': USAGE }, { model: 'budget-model' });
      expect(answer.status).toBe(200);
      await waitForAccessLines(gw, i);
    }
    const refused = await chat(gw, 'sk-team-a', { 'x-fake-usage': USAGE }, { model: 'budget-model' });
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
    expect(refused.headers.get('x-breakwater-error')).toBe('budget_exceeded');
    const now = new Date();
    const toMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1_000;
    expect(Math.abs(Number(refused.headers.get('retry-after')) - toMidnight)).toBeLessThan(5);
    expect(fake.requests).toHaveLength(3);

    expect((await chat(gw, 'sk-team-b', { 'x-fake-usage': USAGE }, { model: 'budget-model' })).status).toBe(200);
  });
});
