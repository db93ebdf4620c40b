import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, logsWith, readyz, redis, until, type FakeUpstream, type RunningGateway, type RunningRedis } from './harness.ts';

describe('when Redis dies under the failOpen policy', () => {
  let fake: FakeUpstream;
  let server: RunningRedis;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    server = await redis();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { rpm: 1_000 } }], { state: { redisUrl: server.url, onRedisDown: 'failOpen' } }));
    await until(async () => (await readyz(gw)).body.state?.up === true, 5_000, 'redis ready');
  });

  it('then the gateway keeps serving on local limits, says so, stays ready, and recovers when Redis returns', async () => {
    expect((await chat(gw, 'sk-team-a')).status).toBe(200);
    await server.kill();
    await expect.poll(() => logsWith(gw, 'shared state down').length, { timeout: 5_000 }).toBe(1);
    expect(logsWith(gw, 'shared state down')[0]).toMatchObject({ level: 'warn', policy: 'failOpen' });
    for (let i = 0; i < 3; i++) {
      const answer = await chat(gw, 'sk-team-a');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-ratelimit-limit-requests')).toBe('1000');
    }
    const down = await readyz(gw);
    expect(down.status).toBe(200);
    expect(down.body.state).toMatchObject({ backend: 'redis', up: false, policy: 'failOpen' });

    await server.restart();
    await expect.poll(async () => (await readyz(gw)).body.state?.up, { timeout: 10_000 }).toBe(true);
    await expect.poll(() => logsWith(gw, 'shared state up').length, { timeout: 2_000 }).toBe(2); // the first connect, then the recovery
    // Counting is back in (the fresh, empty) Redis, and the 3 requests counted locally during the
    // outage were handed back to it: a key cannot get a fresh window out of an outage.
    const after = await chat(gw, 'sk-team-a');
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-remaining-requests')).toBe('996');
  });
});
