import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectNotFound, fakeUpstream, KEY_A, KEY_B, keyedGateway, upstreamCalls, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await keyedGateway(fake);
});

interface Family {
  readonly base: string;
  readonly create: Record<string, unknown>;
  /** Calls on one object, each `[method, path after /<base>/<id>, body?]`. */
  readonly byId: ReadonlyArray<readonly [string, string, Record<string, unknown>?]>;
}

const FAMILIES: readonly Family[] = [
  { base: '/batches', create: { input_file_id: 'file-in', endpoint: '/v1/chat/completions', completion_window: '24h' }, byId: [['GET', ''], ['POST', '/cancel']] },
  { base: '/vector_stores', create: { name: 'docs' }, byId: [['GET', ''], ['POST', '', { name: 'renamed' }], ['GET', '/files'], ['POST', '/search', { query: 'q' }], ['DELETE', '']] },
  { base: '/fine_tuning/jobs', create: { model: 'gpt-4o-mini', training_file: 'file-train' }, byId: [['GET', ''], ['GET', '/events'], ['GET', '/checkpoints'], ['POST', '/pause'], ['POST', '/cancel']] },
  { base: '/containers', create: { name: 'box' }, byId: [['GET', ''], ['GET', '/files'], ['DELETE', '']] },
  { base: '/conversations', create: { metadata: { topic: 't' } }, byId: [['GET', ''], ['POST', '', { metadata: { topic: 'u' } }], ['GET', '/items'], ['POST', '/items', { items: [] }], ['DELETE', '']] },
  { base: '/uploads', create: { purpose: 'batch', filename: 'big.jsonl', bytes: 10, mime_type: 'text/jsonl' }, byId: [['POST', '/parts'], ['POST', '/cancel']] },
];

describe.each(FAMILIES)('when one key created a resource under $base', ({ base, create, byId }) => {
  let id: string;
  beforeAll(async () => {
    const created = await call(gw, KEY_A, 'POST', base, create);
    expect(created.status).toBe(200);
    id = String(created.json.id);
  });

  it('then every call on it by another key gets 404 and never reaches the upstream', async () => {
    const before = upstreamCalls(fake, base);
    for (const [method, rest, body] of byId) expectNotFound(await call(gw, KEY_B, method, `${base}/${id}${rest}`, body));
    expect(upstreamCalls(fake, base)).toBe(before);
  });

  it('then its owner makes every one of those calls', async () => {
    for (const [method, rest, body] of byId) {
      const answer = await call(gw, KEY_A, method, `${base}/${id}${rest}`, body);
      expect({ call: `${method} ${rest}`, status: answer.status }).toEqual({ call: `${method} ${rest}`, status: 200 });
    }
  });
});

describe('when a key completes an upload', () => {
  it('then the file the upload became is that key\'s, and no other key\'s', async () => {
    const upload = await call(gw, KEY_A, 'POST', '/uploads', { purpose: 'batch', filename: 'u.jsonl', bytes: 2, mime_type: 'text/jsonl' });
    const completed = await call(gw, KEY_A, 'POST', `/uploads/${String(upload.json.id)}/complete`, { part_ids: [] });
    const fileId = (completed.json.file as { id: string }).id;
    expect((await call(gw, KEY_A, 'GET', `/files/${fileId}`)).status).toBe(200);
    expectNotFound(await call(gw, KEY_B, 'GET', `/files/${fileId}`));
  });
});

describe('when a key runs a batch', () => {
  it('then the output file the upstream made for it is that key\'s, and no other key\'s', async () => {
    const batch = await call(gw, KEY_A, 'POST', '/batches', { input_file_id: 'file-in', endpoint: '/v1/chat/completions', completion_window: '24h' });
    const polled = await call(gw, KEY_A, 'GET', `/batches/${String(batch.json.id)}`);
    const output = String(polled.json.output_file_id);
    expect((await call(gw, KEY_A, 'GET', `/files/${output}/content`)).status).toBe(200);
    expectNotFound(await call(gw, KEY_B, 'GET', `/files/${output}/content`));
  });
});

describe('when a key runs a fine-tuning job', () => {
  it('then its result files are that key\'s, and no other key\'s', async () => {
    const job = await call(gw, KEY_A, 'POST', '/fine_tuning/jobs', { model: 'gpt-4o-mini', training_file: 'file-train' });
    const polled = await call(gw, KEY_A, 'GET', `/fine_tuning/jobs/${String(job.json.id)}`);
    const result = (polled.json.result_files as string[])[0]!;
    expect((await call(gw, KEY_A, 'GET', `/files/${result}`)).status).toBe(200);
    expectNotFound(await call(gw, KEY_B, 'GET', `/files/${result}`));
  });
});

describe('when a path is below an owned family but is not an object', () => {
  it('then it is not taken for an id (POST /v1/responses/input_tokens passes)', async () => {
    const answer = await call(gw, KEY_B, 'POST', '/responses/input_tokens', { model: 'gpt-4o-mini', input: 'hi' });
    expect(answer.status).toBe(200);
    expect(upstreamCalls(fake, '/responses/input_tokens')).toBe(1);
  });
});

describe('when a key calls another method on a whole collection', () => {
  it('then it is refused with 403 passthrough_denied: it would touch every key\'s objects', async () => {
    const before = upstreamCalls(fake, '/files');
    const refused = await call(gw, KEY_A, 'DELETE', '/files');
    expect(refused.status).toBe(403);
    expect(refused.json.error?.code).toBe('passthrough_denied');
    expect(upstreamCalls(fake, '/files')).toBe(before);
  });
});
