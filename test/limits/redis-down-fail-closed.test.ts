import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, logsWith, readyz, redis, until, type FakeUpstream, type RunningGateway, type RunningRedis } from './harness.ts';

describe('when Redis dies under the failClosed policy', () => {
  let fake: FakeUpstream;
  let server: RunningRedis;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    server = await redis();
    gw = await gateway(limitsConfig(fake, [
      { name: 'team-a', secret: 'sk-team-a', limits: { rpm: 1_000 } },
      { name: 'team-open', secret: 'sk-open' },
    ], { state: { redisUrl: server.url, onRedisDown: 'failClosed' } }));
    await until(async () => (await readyz(gw)).status === 200, 5_000, 'redis ready');
  });

  it('then limited requests get 503 and /readyz is 503 while it is down, and both recover when Redis returns', async () => {
    expect((await chat(gw, 'sk-team-a')).status).toBe(200);
    await server.kill();
    await expect.poll(async () => (await readyz(gw)).status, { timeout: 5_000 }).toBe(503);
    expect((await readyz(gw)).body).toMatchObject({ status: 'not_ready', state: { backend: 'redis', up: false, policy: 'failClosed' } });
    await expect.poll(() => logsWith(gw, 'shared state down').length, { timeout: 2_000 }).toBe(1);
    expect(logsWith(gw, 'shared state down')[0]).toMatchObject({ policy: 'failClosed' });

    const refused = await chat(gw, 'sk-team-a');
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatchObject({ code: 'state_unavailable' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A key without limits never touches shared state.
    expect((await chat(gw, 'sk-open')).status).toBe(200);
    expect(fake.requests).toHaveLength(2);

    await server.restart();
    await expect.poll(async () => (await readyz(gw)).status, { timeout: 10_000 }).toBe(200);
    expect((await chat(gw, 'sk-team-a')).status).toBe(200);
  });
});
