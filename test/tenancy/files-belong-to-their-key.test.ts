import { toFile } from 'openai';
import { NotFoundError } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectNotFound, fakeUpstream, KEY_A, KEY_B, keyedGateway, sdk, upstreamCalls, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;
let fileId: string;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await keyedGateway(fake);
  const created = await sdk(gw, KEY_A).files.create({ file: await toFile(Buffer.from('{"custom_id":"1"}\n'), 'input.jsonl'), purpose: 'batch' });
  fileId = created.id;
});

describe('when one key uploaded a file through the gateway', () => {
  it('then that key reads it, lists it and downloads its content', async () => {
    const a = sdk(gw, KEY_A);
    expect((await a.files.retrieve(fileId)).id).toBe(fileId);
    expect((await a.files.list()).data.map((file) => file.id)).toContain(fileId);
    expect((await a.files.content(fileId)).status).toBe(200);
  });

  it('then another key gets 404 for read, content and delete, and the upstream is never asked', async () => {
    const before = upstreamCalls(fake, '/files');
    const b = sdk(gw, KEY_B);
    await expect(b.files.retrieve(fileId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(b.files.retrieve(fileId)).rejects.toMatchObject({ status: 404, code: 'not_found', type: 'invalid_request_error' });
    expectNotFound(await call(gw, KEY_B, 'GET', `/files/${fileId}/content`));
    expectNotFound(await call(gw, KEY_B, 'DELETE', `/files/${fileId}`));
    expect(upstreamCalls(fake, '/files')).toBe(before);
    expect((await sdk(gw, KEY_A).files.retrieve(fileId)).id).toBe(fileId);
  });

  it('then the 404 for a file of another key is the same as for a file that does not exist', async () => {
    const foreign = await call(gw, KEY_B, 'GET', `/files/${fileId}`);
    const unknown = await call(gw, KEY_B, 'GET', '/files/file-never-created');
    expectNotFound(foreign);
    expectNotFound(unknown);
    expect(unknown.json.error?.message).toBe(foreign.json.error?.message?.replace(fileId, 'file-never-created'));
  });

  it('then an id the gateway never saw created is nobody\'s, even when it exists upstream', async () => {
    // Made directly at the upstream, around the gateway.
    const direct = await fetch(`${fake.baseUrl}/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"purpose":"batch"}' });
    const outside = ((await direct.json()) as { id: string }).id;
    const before = upstreamCalls(fake, '/files');
    expectNotFound(await call(gw, KEY_A, 'GET', `/files/${outside}`));
    expectNotFound(await call(gw, KEY_B, 'GET', `/files/${outside}`));
    expect(upstreamCalls(fake, '/files')).toBe(before);
  });

  it('then the other key does not see it in its list', async () => {
    const listed = (await sdk(gw, KEY_B).files.list()).data.map((file) => file.id);
    expect(listed).not.toContain(fileId);
  });

  it('then once its owner deleted it, nobody reaches it any more', async () => {
    const a = sdk(gw, KEY_A);
    const own = await a.files.create({ file: await toFile(Buffer.from('x\n'), 'gone.jsonl'), purpose: 'batch' });
    expect(await a.files.delete(own.id)).toMatchObject({ id: own.id, deleted: true });
    const before = upstreamCalls(fake, '/files');
    expectNotFound(await call(gw, KEY_A, 'GET', `/files/${own.id}`));
    expect(upstreamCalls(fake, '/files')).toBe(before);
  });
});
