import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WindowLimit } from '../../src/limits/limiters.ts';
import { RedisStore } from '../../src/state/redis.ts';
import { startRedis, type RunningRedis } from './redis-server.ts';

describe('when many callers on two connections take from one Redis counter at once', () => {
  let server: RunningRedis;
  let stores: RedisStore[];
  beforeAll(async () => {
    server = await startRedis();
    let ready = 0;
    stores = [0, 1].map(() => new RedisStore({ url: server.url, policy: 'failClosed', keyPrefix: 'bw:test:', onHealthChange: (up) => (ready += up ? 1 : 0) }));
    while (ready < 2) await new Promise((resolve) => setTimeout(resolve, 10));
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await server.stop();
  });

  it('then exactly the limit is admitted, never more, and refusals count nothing', async () => {
    const limits = stores.map((store) => new WindowLimit(store.counters, 'rpm', 37, 60_000));
    const takes = await Promise.all(Array.from({ length: 400 }, (_, i) => limits[i % 2]!.take('team', 1)));
    expect(takes.filter((t) => t.admitted)).toHaveLength(37);
    expect((await stores[0]!.counters.peek('rpm:team', { limit: 37, windowMs: 60_000 })).used).toBe(37);
  });
});
