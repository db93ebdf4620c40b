import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gatewayProcess, keyedConfig, llmCalls, metric, redis, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let replicaA: RunningGateway;
let replicaB: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  const server = await redis();
  const config = keyedConfig([fake], { state: { redisUrl: server.url } });
  [replicaA, replicaB] = await Promise.all([gatewayProcess({ config }), gatewayProcess({ config })]);
});

const callsWith = (key: string): number => llmCalls(fake).filter((r) => r.headers['idempotency-key'] === key).length;

describe('when the same Idempotency-Key reaches two replicas sharing Redis', () => {
  it('then the second replica waits for the first one\'s answer instead of calling the upstream again', async () => {
    const headers = { 'idempotency-key': 'two-replicas-1', 'x-fake-delay-ms': '1000' };
    const first = chat(replicaA, headers);
    await until(() => callsWith('two-replicas-1') === 1, 'the call upstream from replica A');
    const second = await chat(replicaB, headers);
    const one = await first;
    expect([one.status, second.status]).toEqual([200, 200]);
    expect(second.text).toBe(one.text);
    expect(second.headers.get('x-breakwater-idempotent-replay')).toBe('true');
    expect(callsWith('two-replicas-1')).toBe(1);
    expect(await metric(replicaB, 'breakwater_idempotent_requests_total', { outcome: 'attached' })).toBe(1);
  });

  it('then a later repeat on either replica is replayed from Redis', async () => {
    const headers = { 'idempotency-key': 'two-replicas-1', 'x-fake-delay-ms': '1000' };
    const again = await chat(replicaB, headers);
    expect(again.status).toBe(200);
    expect(again.headers.get('x-breakwater-idempotent-replay')).toBe('true');
    expect(callsWith('two-replicas-1')).toBe(1);
    expect(await metric(replicaB, 'breakwater_idempotent_requests_total', { outcome: 'replayed' })).toBe(1);
  });

  it('then another body under the key is refused on the other replica too', async () => {
    const other = await chat(replicaA, { 'idempotency-key': 'two-replicas-1' }, { temperature: 0 });
    expect(other.status).toBe(422);
    expect(other.json.error?.code).toBe('idempotency_key_reused');
  });
});
