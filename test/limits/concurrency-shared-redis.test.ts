import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, readyz, redis, until, type FakeUpstream, type RunningGateway } from './harness.ts';

const SLOW_MS = 600;
const LEASE_TTL_MS = 3_000;

/** Most requests in flight at the upstream at once: each holds it from arrival for at least SLOW_MS. */
function peakInFlight(arrivals: readonly number[], holdMs: number): number {
  let peak = 0;
  for (const at of arrivals) peak = Math.max(peak, arrivals.filter((other) => other <= at && at < other + holdMs).length);
  return peak;
}

describe('when two gateways share one Redis and a key has concurrency 2', () => {
  let fake: FakeUpstream;
  let a: RunningGateway;
  let b: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    const server = await redis();
    const config = limitsConfig(fake, [
      { name: 'team-a', secret: 'sk-team-a', limits: { concurrency: 2 } },
      { name: 'team-k', secret: 'sk-team-k', limits: { concurrency: 2 } },
    ], { state: { redisUrl: server.url }, limits: { queueLength: 10, queueTimeoutMs: 20_000, concurrencyLeaseTtlMs: LEASE_TTL_MS } });
    [a, b] = await Promise.all([gateway(config), gateway(config)]);
    for (const gw of [a, b]) await until(async () => (await readyz(gw)).body.state?.up === true, 5_000, 'redis ready');
  });

  it('then 6 slow requests split across both never have more than 2 in flight at the upstream, and all are served', async () => {
    const headers = { 'x-fake-delay-ms': String(SLOW_MS), 'x-fake-scenario': 'shared' };
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => chat(i % 2 === 0 ? a : b, 'sk-team-a', headers)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const arrivals = fake.requests.filter((r) => r.scenario === 'shared').map((r) => r.receivedAt);
    expect(arrivals).toHaveLength(6);
    expect(peakInFlight(arrivals, SLOW_MS)).toBe(2);
  });

  it('then the slots of a gateway killed while holding them lapse after the lease TTL, and the other gateway gets them', async () => {
    // Their connections die with the gateway: the failures are expected.
    const held = [1, 2].map(() => chat(a, 'sk-team-k', { 'x-fake-delay-ms': '30000', 'x-fake-scenario': 'held' }).catch(() => undefined));
    await expect.poll(() => fake.requests.filter((r) => r.scenario === 'held').length).toBe(2);
    await a.stop('SIGKILL');
    const killedAt = Date.now();
    await Promise.all(held);

    const answer = await chat(b, 'sk-team-k', { 'x-fake-scenario': 'after-kill' });
    expect(answer.status).toBe(200);
    const served = fake.requests.find((r) => r.scenario === 'after-kill');
    // The dead gateway renewed its leases at most a third of the TTL before it died: they lapse no earlier.
    expect(served!.receivedAt - killedAt).toBeGreaterThanOrEqual((LEASE_TTL_MS * 2) / 3 - 100);
  });
});
