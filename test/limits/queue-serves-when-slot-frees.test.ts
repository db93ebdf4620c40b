import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a key at concurrency 2 sends a third request to a slow upstream', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { concurrency: 2 } }], { limits: { queueLength: 5, queueTimeoutMs: 10_000 } }));
  });

  it('then the third waits in the queue and is served as soon as a slot frees', async () => {
    const started = Date.now();
    const slow = [chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '700' }), chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '700' })];
    await expect.poll(() => fake.requests.length).toBe(2);
    const third = chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '0' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requests).toHaveLength(2); // still queued: only two are ever in flight
    const answers = await Promise.all([...slow, third]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(fake.requests).toHaveLength(3);
    // The third reached the upstream only after one of the first two had finished.
    expect(fake.requests[2]!.receivedAt - started).toBeGreaterThanOrEqual(650);
  });
});
