import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

// $1000 per million tokens: 80 input + 20 output tokens cost exactly $0.10 per call.
const PRICING = { models: { 'budget-model': { input: 1_000, output: 1_000 } } };
const USAGE = JSON.stringify({ prompt_tokens: 80, completion_tokens: 20 });
const CALL_USD = 0.1;
const BUDGET_USD = 0.5;
const PARALLEL = 40;
// A prompt of ~400 bytes: the reservation (bytes / 4 tokens at the input price) is about $0.10.
const PROMPT = [{ role: 'user', content: 'x'.repeat(340) }];

async function spentGauge(gw: RunningGateway): Promise<number> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('breakwater_budget_spent_usd{key="team-a"}'));
  return Number(line?.split(' ')[1]);
}

describe('when 40 parallel calls race against a small daily budget', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { dailyBudgetUsd: BUDGET_USD } }], { pricing: PRICING }));
  });

  it('then each reserves its prompt estimate first, so the total charged stays within the budget plus one call', async () => {
    const headers = { 'x-fake-usage': USAGE, 'x-fake-delay-ms': '400' };
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => chat(gw, 'sk-team-a', headers, { model: 'budget-model', messages: PROMPT })));
    const served = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status === 429);
    expect(served + refused.length).toBe(PARALLEL);
    expect(refused.every((a) => a.json.error?.code === 'budget_exceeded')).toBe(true);
    expect(fake.requests).toHaveLength(served);
    await waitForAccessLines(gw, PARALLEL);

    const charged = served * CALL_USD;
    expect(served).toBeGreaterThanOrEqual(4);
    expect(charged).toBeLessThanOrEqual(BUDGET_USD + CALL_USD + 1e-9);
    expect(await spentGauge(gw)).toBeCloseTo(charged, 6);
    // Spent has reached the budget: the next call is refused.
    expect((await chat(gw, 'sk-team-a', headers, { model: 'budget-model', messages: PROMPT })).status).toBe(429);
  });
});
