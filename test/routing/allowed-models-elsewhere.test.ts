import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeUpstream, gateway, hashKey, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const TEAM = 'sk-team-only-some-models';
const OPEN = 'sk-open-any-model-at-all';

/** A raw WebSocket handshake; resolves with the status line and head of the gateway's answer. */
async function handshake(gw: RunningGateway, path: string, key: string): Promise<string> {
  const socket = connect(gw.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write([`GET /v1${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', `Authorization: Bearer ${key}`, '', ''].join('\r\n'));
  const head = await new Promise<string>((resolve) => {
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n\r\n')) resolve(seen);
    });
  });
  socket.destroy();
  return head;
}

async function post(gw: RunningGateway, path: string, key: string, body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${gw.baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
  return { status: res.status, json: await res.json() };
}

describe('when a key with allowedModels names a model outside an understood body (Realtime, passthrough)', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      keys: [
        { name: 'team', hash: hashKey(TEAM), allowedModels: ['gpt-4o-mini', 'gpt-image-*', 'gpt-4o-realtime-*'] },
        { name: 'open', hash: hashKey(OPEN) },
      ],
    });
  });

  it('then a passthrough JSON body naming another model is 403 model_not_allowed before the upstream, and counted', async () => {
    const seen = fake.requests.length;
    const denied = await post(gw, '/images/generations', TEAM, JSON.stringify({ model: 'dall-e-3', prompt: 'a lighthouse' }));
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error: { code: 'model_not_allowed', param: 'model' } });
    // the Realtime session endpoints name the model inside `session`
    const session = await post(gw, '/realtime/client_secrets', TEAM, JSON.stringify({ session: { type: 'realtime', model: 'gpt-realtime' } }));
    expect(session.status).toBe(403);
    // an Anthropic message batch names a model in each request
    const batch = { requests: [{ custom_id: 'a', params: { model: 'gpt-4o-mini', max_tokens: 8, messages: [] } }, { custom_id: 'b', params: { model: 'claude-opus-4-1', max_tokens: 8, messages: [] } }] };
    expect((await post(gw, '/messages/batches', TEAM, JSON.stringify(batch))).status).toBe(403);
    expect(fake.requests.length).toBe(seen);
    expect(await metric(gw, 'breakwater_policy_actions_total', { route: 'passthrough', action: 'model_denied' })).toBe(3);
  });

  it('then a passthrough body naming an allowed model reaches the upstream byte for byte, and other keys are not read', async () => {
    const body = '{ "model" : "gpt-image-1",\n  "prompt": "a lighthouse" }';
    expect((await post(gw, '/images/generations', TEAM, body)).status).toBe(200);
    expect(fake.requests.at(-1)!.body.toString()).toBe(body);
    expect((await post(gw, '/images/generations', OPEN, JSON.stringify({ model: 'dall-e-3', prompt: 'x' }))).status).toBe(200);
  });

  it('then a Realtime WebSocket must name an allowed model in its query', async () => {
    const denied = await handshake(gw, '/realtime?model=gpt-realtime', TEAM);
    expect(denied).toMatch(/^HTTP\/1\.1 403/);
    expect(denied.toLowerCase()).toContain('x-breakwater-error: policy');
    expect(await handshake(gw, '/realtime', TEAM)).toMatch(/^HTTP\/1\.1 403/);
    expect(await handshake(gw, '/realtime?model=gpt-4o-realtime-preview', TEAM)).toMatch(/^HTTP\/1\.1 101/);
    expect(await handshake(gw, '/realtime?model=gpt-realtime', OPEN)).toMatch(/^HTTP\/1\.1 101/);
    const lines = await waitForAccessLines(gw, 1);
    expect(lines.some((line) => line.error_code === 'model_not_allowed' && line.key === 'team' && String(line.path ?? '').includes('realtime'))).toBe(true);
  });
});
