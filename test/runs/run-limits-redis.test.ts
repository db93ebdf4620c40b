import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream } from '../helpers/stack.ts';
import { redis, until } from '../limits/harness.ts';
import { chat, own, runsGateway, TEAM_A } from './harness.ts';

let fake: FakeUpstream;
let one: RunningGateway;
let two: RunningGateway;

async function redisUp(gw: RunningGateway): Promise<boolean> {
  return ((await (await fetch(`${gw.url}/readyz`)).json()) as { state?: { up?: boolean } }).state?.up === true;
}

beforeAll(async () => {
  fake = await fakeUpstream();
  const server = await redis();
  const state = { state: { redisUrl: server.url } };
  // gpt-4o-mini: 12 input + 20 output tokens a call at $0.15 / $0.60 per M = $0.0000138 a call.
  const limits = { runMaxCalls: 7, runBudgetUsd: 0.0001 };
  one = await runsGateway(fake, state, limits);
  two = await runsGateway(fake, state, limits);
  await until(async () => (await redisUp(one)) && (await redisUp(two)), 5_000, 'both replicas on Redis');
});

describe('when two replicas on one Redis serve parallel calls of one run', () => {
  it('then runMaxCalls admits exactly that many, and the rest get 429 run_call_limit_exceeded with x-should-retry: false', async () => {
    const headers = { 'x-breakwater-run-id': 'many-calls' };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => chat(i % 2 === 0 ? one : two, TEAM_A, {}, headers)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(13);
    for (const answer of refused) {
      expect(answer.json).toMatchObject({ error: { code: 'run_call_limit_exceeded', type: 'insufficient_quota' } });
      expect(answer.headers.get('x-should-retry')).toBe('false');
      expect(answer.headers.get('x-breakwater-error')).toBe('budget_exceeded');
    }
    const run = await own(one, TEAM_A, '/breakwater/runs/many-calls');
    expect(run.json).toMatchObject({ calls: 7, refused: 13 });
  });

  it('then runBudgetUsd is never overshot by more than the calls in flight\'s own output', async () => {
    const headers = { 'x-breakwater-run-id': 'small-budget' };
    const answers: number[] = [];
    for (let wave = 0; wave < 4; wave++) {
      const batch = await Promise.all(Array.from({ length: 6 }, (_, i) => chat(i % 2 === 0 ? one : two, TEAM_A, {}, headers)));
      answers.push(...batch.map((a) => a.status));
    }
    const served = answers.filter((status) => status === 200).length;
    expect(answers.filter((status) => status === 429).length).toBeGreaterThan(0);
    const run = await own(two, TEAM_A, '/breakwater/runs/small-budget');
    const cost = Number(run.json['costUsd']);
    expect(cost).toBeCloseTo(served * 0.0000138, 9);
    // Refused once spent plus reserved reached the budget: at most one wave of output past it.
    expect(cost).toBeLessThanOrEqual(0.0001 + 6 * 0.000012);
  });
});
