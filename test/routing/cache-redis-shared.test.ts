import { beforeAll, describe, expect, it } from 'vitest';
import { readyz, redis, until } from '../limits/harness.ts';
import { call, chats, fakeUpstream, gateway, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when two gateways share one Redis and a route caches', () => {
  let fake: FakeUpstream;
  let gateways: RunningGateway[];
  beforeAll(async () => {
    fake = await fakeUpstream();
    const server = await redis();
    const config = { upstreams: upstreamsOf({ fake }), routes: [{ match: 'gpt-*', targets: [{ upstream: 'fake' }], cache: {} }], state: { redisUrl: server.url } };
    gateways = await Promise.all([gateway(config), gateway(config)]);
    for (const gw of gateways) await until(async () => (await readyz(gw)).body.state?.up === true, 5_000, 'redis ready');
  });

  it('then an answer stored through one is a hit on the other, streams included', async () => {
    const [one, two] = gateways as [RunningGateway, RunningGateway];
    const stored = await call(one);
    expect(stored.headers.get('x-breakwater-cache')).toBe('miss');
    const hit = await call(two);
    expect(hit.headers.get('x-breakwater-cache')).toBe('hit');
    expect(hit.text).toBe(stored.text);

    const stream = await call(two, { body: { stream: true }, headers: { 'x-fake-chunks': '4' } });
    expect(stream.headers.get('x-breakwater-cache')).toBe('miss');
    const replay = await call(one, { body: { stream: true } });
    expect(replay.headers.get('x-breakwater-cache')).toBe('hit');
    expect(replay.text).toBe(stream.text);
    expect(chats(fake)).toBe(2);
  });
});
