import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, gatewayProcess, upstreamCalls, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }] } });
});

describe('when no gateway keys are configured', () => {
  it('then resources are not owned: every caller reaches every id, and unknown ids go to the upstream', async () => {
    const created = await call(gw, undefined, 'POST', '/batches', { input_file_id: 'f', endpoint: '/v1/chat/completions', completion_window: '24h' }, { authorization: 'Bearer sk-client-one' });
    const id = String(created.json.id);
    expect((await call(gw, undefined, 'GET', `/batches/${id}`, undefined, { authorization: 'Bearer sk-client-two' })).status).toBe(200);
    const unknown = await call(gw, undefined, 'GET', '/batches/batch_unknown', undefined, { authorization: 'Bearer sk-client-two' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('x-breakwater-upstream')).toBe('fake');
    expect(upstreamCalls(fake, '/batches')).toBe(3);
    expect((await call(gw, undefined, 'GET', '/batches')).json.data).toHaveLength(1);
  });
});
