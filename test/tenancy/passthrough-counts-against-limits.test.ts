import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, keyedGateway, upstreamCalls, type FakeUpstream, type RunningGateway, type TestKey } from './harness.ts';

const RPM_KEY: TestKey = { name: 'team-rpm', secret: 'sk-gw-rpm-0001', limits: { rpm: 3 } };
const ONE_AT_A_TIME: TestKey = { name: 'team-serial', secret: 'sk-gw-serial-0002', limits: { concurrency: 1 } };

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await keyedGateway(fake, [RPM_KEY, ONE_AT_A_TIME], { limits: { queueLength: 0 } });
});

describe('when a key with limits calls passthrough paths', () => {
  it('then every passthrough call counts against its rpm, together with its understood calls', async () => {
    const chat = await call(gw, RPM_KEY, 'POST', '/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status).toBe(200);
    const first = await call(gw, RPM_KEY, 'GET', '/organization/costs?start_time=1');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect((await call(gw, RPM_KEY, 'GET', '/organization/costs?start_time=2')).status).toBe(200);

    const before = upstreamCalls(fake, '/organization');
    const refused = await call(gw, RPM_KEY, 'GET', '/organization/costs?start_time=3');
    expect(refused.status).toBe(429);
    expect(refused.json.error?.code).toBe('gateway_rate_limited');
    expect(refused.headers.get('x-breakwater-error')).toBe('gateway_rate_limited');
    expect(upstreamCalls(fake, '/organization')).toBe(before);
  });

  it('then a passthrough call in flight holds one of its concurrency slots', async () => {
    const slow = call(gw, ONE_AT_A_TIME, 'GET', '/organization/usage/completions', undefined, { 'x-fake-delay-ms': '1500' });
    await expect.poll(() => upstreamCalls(fake, '/organization/usage'), { timeout: 5_000 }).toBe(1);

    const second = await call(gw, ONE_AT_A_TIME, 'GET', '/organization/projects');
    expect(second.status).toBe(429);
    expect(second.json.error?.code).toBe('queue_full');
    expect(upstreamCalls(fake, '/organization/projects')).toBe(0);

    expect((await slow).status).toBe(200);
    expect((await call(gw, ONE_AT_A_TIME, 'GET', '/organization/projects')).status).toBe(200);
  });
});
