import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame } from '../fixtures/fake-websocket.ts';
import { hashKey } from '../limits/harness.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

const KEY = 'bw-realtime-team-key';
let gateway: RunningGateway;
let fake: FakeUpstream;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayProcess({
    config: {
      upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream-realtime-secret' }],
      keys: [{ name: 'team', hash: hashKey(KEY) }],
    },
  });
});

/** A raw WebSocket client: handshake with the gateway key, resolves once the 101 arrived. */
async function openRealtime(extraHeaders: string[] = []): Promise<Socket> {
  const socket = connect(gateway.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write([
    'GET /v1/realtime?model=gpt-4o-realtime HTTP/1.1',
    `Host: 127.0.0.1:${gateway.port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    `Authorization: Bearer ${KEY}`,
    ...extraHeaders,
    '', '',
  ].join('\r\n'));
  await new Promise<void>((resolve, reject) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 101')) resolve();
      else reject(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
    };
    socket.on('data', onData);
  });
  socket.on('error', () => undefined);
  return socket;
}

describe('when Realtime clients reset their connections abruptly', () => {
  it('then the gateway stays up, keeps serving, and records each session as client_closed', async () => {
    for (let i = 0; i < 5; i++) {
      const socket = await openRealtime();
      // The upstream is mid-answer (a flood of frames) when the client's TCP connection is reset.
      socket.write(encodeFrame(0x1, Buffer.from('flood:5000'), Buffer.from([1, 2, 3, 4])));
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.resetAndDestroy();
    }
    const idle = await openRealtime();
    idle.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const answer = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    expect(answer.status).toBe(200);
    const sessions = (await waitForAccessLines(gateway, 7)).filter((line) => line.path === '/realtime');
    expect(sessions).toHaveLength(6);
    for (const line of sessions) expect(line).toMatchObject({ route: 'passthrough', status: 101, error_type: 'client_closed', key: 'team' });
    expect(gateway.stderr()).not.toContain('crashed');
  });
});

describe('when a Realtime client presents no gateway key', () => {
  it('then the upgrade is refused with a 401 in OpenAI shape and the class header, and the socket is closed', async () => {
    const socket = connect(gateway.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`GET /v1/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    let answer = '';
    socket.setEncoding('utf8').on('data', (text: string) => (answer += text));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('x-breakwater-error: auth');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'invalid_api_key' } });
  });
});

describe('when a Realtime client sends OpenAI-Organization and OpenAI-Project', () => {
  it('then they are not forwarded, since the gateway injects its own key, and the upstream key replaces the gateway key', async () => {
    const before = gateway.logs().filter((line) => line.msg === 'request').length;
    const socket = await openRealtime(['OpenAI-Organization: org-client', 'OpenAI-Project: proj-client']);
    socket.destroy();
    // A client that closes its side ends the session both ways at once (no half-open session left in flight).
    await waitForAccessLines(gateway, before + 1, 3_000);
    const upgrade = fake.requests.filter((request) => request.path.startsWith('/v1/realtime')).at(-1)!;
    expect(upgrade.headers['openai-organization']).toBeUndefined();
    expect(upgrade.headers['openai-project']).toBeUndefined();
    expect(upgrade.headers.authorization).toBe('Bearer sk-upstream-realtime-secret');
  });
});
