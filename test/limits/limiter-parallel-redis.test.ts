import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WindowLimit } from '../../src/limits/limiters.ts';
import { startRedis, type RunningRedis } from './redis-server.ts';

describe('when many callers on two connections take from one Redis counter at once', () => {
  let server: RunningRedis;
  let clients: Redis[];
  beforeAll(async () => {
    server = await startRedis();
    clients = [new Redis(server.url), new Redis(server.url)];
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server.stop();
  });

  it('then exactly the limit is admitted, never more', async () => {
    const limits = clients.map((client) => new WindowLimit(new RateLimiterRedis({ storeClient: client, keyPrefix: 'bw:test', points: 37, duration: 60, inMemoryBlockOnConsumed: 0 }), 37));
    const takes = await Promise.all(Array.from({ length: 400 }, (_, i) => limits[i % 2]!.take('team', 1)));
    expect(takes.filter((t) => t.admitted)).toHaveLength(37);
    // Refused takes gave their points back: the counter holds only what was admitted.
    await Promise.all(takes.filter((t) => !t.admitted).map((t) => limits[0]!.giveBack('team', t.points, t.windowEndsAt)));
    expect(await clients[0]!.get('bw:test:team')).toBe('37');
  });
});
