import { beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RunningRedis } from '../limits/redis-server.ts';
import { afterFile } from '../helpers/stack.ts';
import { call, expectNotFound, fakeUpstream, KEY_A, KEY_B, keyedGateway, until, upstreamCalls, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let redis: RunningRedis;
let one: RunningGateway;
let two: RunningGateway;

async function redisUp(gw: RunningGateway): Promise<boolean> {
  const body = (await (await fetch(`${gw.url}/readyz`)).json()) as { state?: { up?: boolean } };
  return body.state?.up === true;
}

beforeAll(async () => {
  fake = await fakeUpstream();
  redis = await startRedis();
  afterFile(() => redis.stop());
  const state = { state: { redisUrl: redis.url } };
  one = await keyedGateway(fake, undefined, state);
  two = await keyedGateway(fake, undefined, state);
  await until(async () => (await redisUp(one)) && (await redisUp(two)), 'both replicas on Redis');
});

describe('when ownership lives in Redis and two replicas serve the keys', () => {
  it('then a resource created on one replica is its owner\'s on the other, and nobody else\'s', async () => {
    const created = await call(one, KEY_A, 'POST', '/vector_stores', { name: 'shared' });
    const id = String(created.json.id);
    expect((await call(two, KEY_A, 'GET', `/vector_stores/${id}`)).status).toBe(200);
    expectNotFound(await call(two, KEY_B, 'GET', `/vector_stores/${id}`));
    expect((await call(two, KEY_A, 'DELETE', `/vector_stores/${id}`)).status).toBe(200);
    expectNotFound(await call(one, KEY_A, 'GET', `/vector_stores/${id}`));
  });
});

describe('when Redis is down', () => {
  it('then calls that need ownership are refused with 503 state_unavailable before the upstream, and work again once it is back', async () => {
    const created = await call(one, KEY_A, 'POST', '/batches', { input_file_id: 'file-in', endpoint: '/v1/chat/completions', completion_window: '24h' });
    const id = String(created.json.id);
    await redis.kill();
    await expect.poll(() => redisUp(one), { timeout: 5_000 }).toBe(false);

    const before = upstreamCalls(fake, '/batches');
    for (const [method, path] of [['GET', `/batches/${id}`], ['GET', '/batches'], ['POST', '/batches']] as const) {
      const refused = await call(one, KEY_A, method, path, method === 'POST' ? { input_file_id: 'f', endpoint: '/v1/chat/completions', completion_window: '24h' } : undefined);
      expect({ path: `${method} ${path}`, status: refused.status, code: refused.json.error?.code }).toEqual({ path: `${method} ${path}`, status: 503, code: 'state_unavailable' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(upstreamCalls(fake, '/batches')).toBe(before);
    // Paths that name no owned resource do not need state.
    expect((await call(one, KEY_A, 'GET', '/organization/costs?start_time=1')).status).toBe(200);

    await redis.restart();
    await expect.poll(() => redisUp(one), { timeout: 10_000 }).toBe(true);
    // A fresh Redis has forgotten every owner: fail closed, the batch is nobody's now.
    expectNotFound(await call(one, KEY_A, 'GET', `/batches/${id}`));
    const again = await call(one, KEY_A, 'POST', '/batches', { input_file_id: 'file-in', endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await call(one, KEY_A, 'GET', `/batches/${String(again.json.id)}`)).status).toBe(200);
  });
});
