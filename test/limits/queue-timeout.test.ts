import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a queued request waits longer than limits.queueTimeoutMs', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { concurrency: 1, rpm: 100 } }], { limits: { queueLength: 5, queueTimeoutMs: 300 } }));
  });

  it('then it gets 429 queue_timeout after about that wait, never reaches the upstream, and its request is given back', async () => {
    const running = chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '1500' });
    await expect.poll(() => fake.requests.length).toBe(1);
    const started = performance.now();
    const refused = await chat(gw, 'sk-team-a');
    const waited = performance.now() - started;
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'queue_timeout' });
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(1_200);
    expect((await running).status).toBe(200);
    expect(fake.requests).toHaveLength(1);
    // 2 requests admitted so far, one of them refused by the queue: only one counts.
    const next = await chat(gw, 'sk-team-a');
    expect(next.headers.get('x-ratelimit-remaining-requests')).toBe('98');
  });
});
