import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, type FakeUpstream, type RunningGateway } from './harness.ts';

async function metric(gw: RunningGateway, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('when keys have a concurrency limit', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [
      { name: 'team-a', secret: 'sk-team-a', limits: { concurrency: 1 } },
      { name: 'team-b', secret: 'sk-team-b', limits: { concurrency: 3 } },
      { name: 'team-c', secret: 'sk-team-c', limits: { rpm: 10 } },
    ], { limits: { queueLength: 5, queueTimeoutMs: 10_000 } }));
  });

  it('then each has a queue depth of 0 before any request, and the time spent queued is a histogram', async () => {
    expect(await metric(gw, 'breakwater_queue_depth{key="team-a"}')).toBe(0);
    expect(await metric(gw, 'breakwater_queue_depth{key="team-b"}')).toBe(0);
    expect(await metric(gw, 'breakwater_queue_depth{key="team-c"}')).toBeUndefined();

    const first = chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '400' });
    await expect.poll(() => fake.requests.length).toBe(1);
    const queued = chat(gw, 'sk-team-a');
    await expect.poll(() => metric(gw, 'breakwater_queue_depth{key="team-a"}')).toBe(1);
    expect((await Promise.all([first, queued])).map((a) => a.status)).toEqual([200, 200]);
    expect(await metric(gw, 'breakwater_queue_depth{key="team-a"}')).toBe(0);
    // Only the request that waited is observed; the one served at once is not.
    expect(await metric(gw, 'breakwater_queue_wait_seconds_count{key="team-a"}')).toBe(1);
    expect(await metric(gw, 'breakwater_queue_wait_seconds_sum{key="team-a"}')).toBeGreaterThan(0.2);
  });
});
