import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, readyz, redis, until, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when two gateway processes share one Redis and a key has rpm 5', () => {
  let fake: FakeUpstream;
  let gateways: RunningGateway[];
  beforeAll(async () => {
    fake = await fakeUpstream();
    const server = await redis();
    const config = limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { rpm: 5 } }], { state: { redisUrl: server.url } });
    gateways = await Promise.all([gateway(config), gateway(config)]);
    for (const gw of gateways) await until(async () => (await readyz(gw)).body.state?.up === true, 5_000, 'redis ready');
  });

  it('then 10 requests split across both let exactly 5 through', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => chat(gateways[i % 2]!, 'sk-team-a')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(fake.requests).toHaveLength(5);
  });
});
