import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, keyedGateway, upstreamCalls, type FakeUpstream, type RunningGateway, type TestKey } from './harness.ts';

const OPEN: TestKey = { name: 'team-open', secret: 'sk-gw-open-0001' };
const CLOSED: TestKey = { name: 'team-closed', secret: 'sk-gw-closed-0002', passthrough: 'deny' };
const FILES_ONLY: TestKey = { name: 'team-files', secret: 'sk-gw-files-0003', passthrough: ['files/**', 'batches'] };

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await keyedGateway(fake, [OPEN, CLOSED, FILES_ONLY]);
});

function expectDenied(answer: Awaited<ReturnType<typeof call>>, path: string): void {
  expect(answer.status).toBe(403);
  expect(answer.json.error).toMatchObject({ code: 'passthrough_denied', type: 'invalid_request_error' });
  expect(answer.json.error?.message).toContain(`/v1${path}`);
  expect(answer.headers.get('x-breakwater-error')).toBe('policy');
}

describe('when a key has passthrough: deny', () => {
  it('then every passthrough path is refused with 403 passthrough_denied and the upstream is not called', async () => {
    const before = fake.requests.length;
    expectDenied(await call(gw, CLOSED, 'GET', '/files'), '/files');
    expectDenied(await call(gw, CLOSED, 'POST', '/batches', { input_file_id: 'file-x', endpoint: '/v1/chat/completions', completion_window: '24h' }), '/batches');
    expectDenied(await call(gw, CLOSED, 'GET', '/models/gpt-4o-mini'), '/models/gpt-4o-mini');
    expect(fake.requests.length).toBe(before);
  });

  it('then its understood calls and GET /v1/models still work', async () => {
    expect((await call(gw, CLOSED, 'GET', '/models')).status).toBe(200);
    expect((await call(gw, CLOSED, 'POST', '/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(200);
  });
});

describe('when a key has passthrough path globs', () => {
  it('then paths matching a glob pass and others are refused', async () => {
    expect((await call(gw, FILES_ONLY, 'GET', '/files')).status).toBe(200);
    const created = await call(gw, FILES_ONLY, 'POST', '/batches', { input_file_id: 'file-x', endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(created.status).toBe(200);
    expect(upstreamCalls(fake, '/batches')).toBe(1);
    // `batches` matches the collection only: `*` and `**` are needed to reach below it.
    expectDenied(await call(gw, FILES_ONLY, 'GET', `/batches/${String(created.json.id)}`), `/batches/${String(created.json.id)}`);
    expectDenied(await call(gw, FILES_ONLY, 'GET', '/vector_stores'), '/vector_stores');
    expect(upstreamCalls(fake, '/vector_stores')).toBe(0);
  });
});

describe('when a key has no passthrough setting', () => {
  it('then passthrough is allowed (the default)', async () => {
    expect((await call(gw, OPEN, 'GET', '/organization/costs?start_time=1')).status).toBe(200);
  });
});
