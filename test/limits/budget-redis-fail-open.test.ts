import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, logsWith, readyz, redis, until, waitForAccessLines, type FakeUpstream, type RunningGateway, type RunningRedis } from './harness.ts';

// $1000 per million tokens: 100 input + 100 output tokens cost $0.20 per call.
const PRICING = { models: { 'budget-model': { input: 1_000, output: 1_000 } } };
const USAGE = { 'x-fake-usage': JSON.stringify({ prompt_tokens: 100, completion_tokens: 100 }) };
const BODY = { model: 'budget-model' };

describe('when Redis dies (failOpen) after a key spent its daily budget', () => {
  let fake: FakeUpstream;
  let server: RunningRedis;
  let a: RunningGateway;
  let b: RunningGateway;
  let fresh: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    server = await redis();
    const config = limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { dailyBudgetUsd: 0.5 } }], { pricing: PRICING, state: { redisUrl: server.url, onRedisDown: 'failOpen' } });
    [a, b, fresh] = await Promise.all([gateway(config), gateway(config), gateway(config)]);
    for (const gw of [a, b, fresh]) await until(async () => (await readyz(gw)).body.state?.up === true, 5_000, 'redis ready');
  });

  it('then replicas that saw the spent budget keep refusing; only a replica that never saw the key starts afresh', async () => {
    for (let i = 1; i <= 3; i++) {
      expect((await chat(a, 'sk-team-a', USAGE, BODY)).status).toBe(200);
      await waitForAccessLines(a, i);
    }
    expect((await chat(a, 'sk-team-a', USAGE, BODY)).json.error?.code).toBe('budget_exceeded');
    expect((await chat(b, 'sk-team-a', USAGE, BODY)).json.error?.code).toBe('budget_exceeded');

    await server.kill();
    for (const gw of [a, b, fresh]) await expect.poll(() => logsWith(gw, 'shared state down').length, { timeout: 5_000 }).toBe(1);
    for (const gw of [a, b]) {
      for (let i = 0; i < 2; i++) {
        const answer = await chat(gw, 'sk-team-a', USAGE, BODY);
        expect(answer.status).toBe(429);
        expect(answer.json.error?.code).toBe('budget_exceeded');
      }
    }
    expect(fake.requests).toHaveLength(3);
    // A replica with no memory of the key cannot know what it spent: it counts from 0 on its own.
    expect((await chat(fresh, 'sk-team-a', USAGE, BODY)).status).toBe(200);
  });
});
