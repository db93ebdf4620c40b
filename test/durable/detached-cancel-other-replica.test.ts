import { beforeAll, describe, expect, it } from 'vitest';
import { fakeUpstream, gatewayProcess, keyedConfig, redis, send, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let replicaA: RunningGateway;
let replicaB: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  const server = await redis();
  const config = keyedConfig([fake], { state: { redisUrl: server.url }, detached: { leaseTtlMs: 1_500 } });
  [replicaA, replicaB] = await Promise.all([gatewayProcess({ config }), gatewayProcess({ config })]);
});

describe('when a detached call running on one replica is cancelled through another', () => {
  it('then it is reported cancelled at once, and the replica running it aborts the upstream call at its next heartbeat', async () => {
    const accepted = await send(replicaA, 'POST', '/v1/chat/completions', {
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a long task' }] },
      headers: { prefer: 'respond-async', 'x-fake-delay-ms': '30000', 'x-fake-scenario': 'cancel-elsewhere' },
    });
    const id = accepted.json.id as string;
    await until(() => fake.requests.some((r) => r.scenario === 'cancel-elsewhere'), 'the call upstream');
    const cancelled = await send(replicaB, 'DELETE', `/breakwater/calls/${id}`);
    expect(cancelled.json).toMatchObject({ id, status: 'cancelled' });
    await until(() => fake.requests.find((r) => r.scenario === 'cancel-elsewhere')?.aborted === true, 'the upstream call aborted on replica A', 5_000);
    expect((await send(replicaA, 'GET', `/breakwater/calls/${id}`)).json.status).toBe('cancelled');
  });
});
