import { beforeAll, describe, expect, it } from 'vitest';
import { fakeUpstream, gatewayProcess, keyedConfig, redis, send, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let replicaA: RunningGateway;
let replicaB: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  const server = await redis();
  const config = keyedConfig([fake], { state: { redisUrl: server.url }, detached: { leaseTtlMs: 1_000 } });
  [replicaA, replicaB] = await Promise.all([gatewayProcess({ config }), gatewayProcess({ config })]);
});

describe('when the replica running a detached call dies (SIGKILL) and the call is asked for on another replica', () => {
  it('then the call is reported running while its lease holds, then failed with call_lost, never stuck running', async () => {
    const accepted = await send(replicaA, 'POST', '/v1/chat/completions', {
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a long task' }] },
      headers: { prefer: 'respond-async', 'x-fake-delay-ms': '30000', 'x-fake-scenario': 'doomed' },
    });
    expect(accepted.status).toBe(202);
    const id = accepted.json.id as string;
    await until(() => fake.requests.some((r) => r.scenario === 'doomed'), 'the call upstream');
    // Seen from the other replica, through Redis.
    expect((await send(replicaB, 'GET', `/breakwater/calls/${id}`)).json.status).toBe('running');

    await replicaA.stop('SIGKILL');
    await until(async () => (await send(replicaB, 'GET', `/breakwater/calls/${id}`)).json.status !== 'running', 'the lease to run out', 10_000);
    const lost = await send(replicaB, 'GET', `/breakwater/calls/${id}`);
    expect(lost.status).toBe(200);
    expect(lost.json).toMatchObject({ id, status: 'failed', error: { code: 'call_lost', type: 'service_unavailable_error' } });
    // Asked again, it stays as it ended.
    expect((await send(replicaB, 'GET', `/breakwater/calls/${id}`)).json).toMatchObject({ status: 'failed', error: { code: 'call_lost' } });
  });
});
