import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when queued requests carry x-breakwater-priority', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { concurrency: 1 } }], { limits: { queueLength: 10, queueTimeoutMs: 10_000 } }));
  });

  it('then the lowest number is served first, ties in arrival order, and the header is not forwarded', async () => {
    const running = chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '500', 'x-fake-scenario': 'first' });
    await expect.poll(() => fake.requests.length).toBe(1);
    const queued: Array<Promise<unknown>> = [];
    for (const [name, priority] of [['late', '9'], ['normal-a', '5'], ['urgent', '0'], ['normal-b', 'junk']] as const) {
      queued.push(chat(gw, 'sk-team-a', { 'x-breakwater-priority': priority, 'x-fake-scenario': name }));
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await Promise.all([running, ...queued]);
    expect(fake.requests.map((r) => r.scenario)).toEqual(['first', 'urgent', 'normal-a', 'normal-b', 'late']);
    expect(fake.requests.every((r) => r.headers['x-breakwater-priority'] === undefined)).toBe(true);
  });
});
