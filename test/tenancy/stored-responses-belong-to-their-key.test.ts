import { NotFoundError } from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, expectNotFound, fakeUpstream, KEY_A, KEY_B, keyedGateway, sdk, upstreamCalls, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await keyedGateway(fake);
});

describe('when a key creates a stored response', () => {
  it('then that key retrieves it, lists its input items and deletes it; another key gets 404 without reaching the upstream', async () => {
    const a = sdk(gw, KEY_A);
    const created = await a.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect((await a.responses.retrieve(created.id)).id).toBe(created.id);

    const before = upstreamCalls(fake, '/responses/');
    await expect(sdk(gw, KEY_B).responses.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
    expectNotFound(await call(gw, KEY_B, 'GET', `/responses/${created.id}/input_items`));
    expectNotFound(await call(gw, KEY_B, 'POST', `/responses/${created.id}/cancel`));
    expectNotFound(await call(gw, KEY_B, 'DELETE', `/responses/${created.id}`));
    expect(upstreamCalls(fake, '/responses/')).toBe(before);

    expect((await call(gw, KEY_A, 'GET', `/responses/${created.id}/input_items`)).status).toBe(200);
    await a.responses.delete(created.id);
    expectNotFound(await call(gw, KEY_A, 'GET', `/responses/${created.id}`));
  });

  it('then a streamed response is owned the same way', async () => {
    const stream = await sdk(gw, KEY_A).responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
    let id = '';
    for await (const event of stream) if (event.type === 'response.completed') id = event.response.id;
    expect(id).not.toBe('');
    expect((await sdk(gw, KEY_A).responses.retrieve(id)).id).toBe(id);
    expectNotFound(await call(gw, KEY_B, 'GET', `/responses/${id}`));
  });

  it('then another key cannot continue it with previous_response_id', async () => {
    const created = await sdk(gw, KEY_A).responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    const before = upstreamCalls(fake, '/responses');
    const refused = await call(gw, KEY_B, 'POST', '/responses', { model: 'gpt-4o-mini', input: 'and?', previous_response_id: created.id });
    expectNotFound(refused);
    expect(refused.json.error?.param).toBe('previous_response_id');
    expect(upstreamCalls(fake, '/responses')).toBe(before);
    expect((await call(gw, KEY_A, 'POST', '/responses', { model: 'gpt-4o-mini', input: 'and?', previous_response_id: created.id })).status).toBe(200);
  });

  it('then a response made with store: false is nobody\'s', async () => {
    const created = await sdk(gw, KEY_A).responses.create({ model: 'gpt-4o-mini', input: 'hi', store: false });
    expectNotFound(await call(gw, KEY_A, 'GET', `/responses/${created.id}`));
  });
});

describe('when a key creates a stored chat completion (store: true)', () => {
  it('then that key reads, updates, lists messages of and deletes it; another key gets 404', async () => {
    const a = sdk(gw, KEY_A);
    const created = await a.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], store: true });
    expect((await a.chat.completions.retrieve(created.id)).id).toBe(created.id);

    const before = upstreamCalls(fake, '/chat/completions/');
    await expect(sdk(gw, KEY_B).chat.completions.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
    expectNotFound(await call(gw, KEY_B, 'POST', `/chat/completions/${created.id}`, { metadata: { x: 'y' } }));
    expectNotFound(await call(gw, KEY_B, 'GET', `/chat/completions/${created.id}/messages`));
    expectNotFound(await call(gw, KEY_B, 'DELETE', `/chat/completions/${created.id}`));
    expect(upstreamCalls(fake, '/chat/completions/')).toBe(before);

    expect((await call(gw, KEY_A, 'POST', `/chat/completions/${created.id}`, { metadata: { x: 'y' } })).status).toBe(200);
    expect((await call(gw, KEY_A, 'GET', `/chat/completions/${created.id}/messages`)).status).toBe(200);
    expect((await sdk(gw, KEY_B).chat.completions.list()).data.map((c) => c.id)).not.toContain(created.id);
    expect((await a.chat.completions.list()).data.map((c) => c.id)).toContain(created.id);
    await a.chat.completions.delete(created.id);
  });

  it('then a streamed stored chat completion is owned the same way', async () => {
    const stream = await sdk(gw, KEY_A).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], store: true, stream: true });
    let id = '';
    for await (const chunk of stream) id = chunk.id;
    expect((await sdk(gw, KEY_A).chat.completions.retrieve(id)).id).toBe(id);
    expectNotFound(await call(gw, KEY_B, 'GET', `/chat/completions/${id}`));
  });
});
