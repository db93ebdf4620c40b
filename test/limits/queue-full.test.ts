import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the queue of a key at its concurrency limit is full', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { concurrency: 2 } }], { limits: { queueLength: 1, queueTimeoutMs: 10_000 } }));
  });

  it('then one more request gets 429 queue_full at once, and the queued one is still served', async () => {
    const running = [chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '800' }), chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '800' })];
    await expect.poll(() => fake.requests.length).toBe(2);
    const queued = chat(gw, 'sk-team-a');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const refused = await chat(gw, 'sk-team-a');
    expect(performance.now() - started).toBeLessThan(400);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'queue_full', type: 'rate_limit_error' });
    expect(refused.headers.get('x-breakwater-error')).toBe('gateway_rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await queued).status).toBe(200);
    expect((await Promise.all(running)).map((a) => a.status)).toEqual([200, 200]);
    expect(fake.requests).toHaveLength(3);
  });
});
