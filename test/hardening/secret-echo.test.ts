import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

const GATEWAY_KEY = 'bw-gateway-key-echo-5151';
const UPSTREAM_KEY = 'sk-upstream-echoed-secret-7373';
const ECHO = JSON.stringify({ error: { message: `Incorrect API key provided: ${UPSTREAM_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', code: 'invalid_api_key', param: null } });
const STEER = { 'x-fake-status': '401', 'x-fake-body': ECHO, 'x-fake-header': `x-echo=key ${UPSTREAM_KEY}` };

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayProcess({
    config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: UPSTREAM_KEY }], keys: [{ name: 'team', hash: hashKey(GATEWAY_KEY) }] },
  });
});

async function expectScrubbed(response: Response): Promise<void> {
  const body = await response.text();
  expect(response.status).toBe(401);
  expect(body).not.toContain(UPSTREAM_KEY);
  expect(body).toContain('Incorrect API key provided: [redacted]');
  expect(response.headers.get('x-echo')).toBe('key [redacted]');
}

describe('when the upstream answers an error that echoes the upstream key', () => {
  it('then an understood call passes the error on with the key redacted from its body and headers', async () => {
    await expectScrubbed(await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}`, ...STEER },
      body: '{"model":"gpt-4o-mini","messages":[]}',
    }));
  });

  it('then /v1/models passes the refusal on with the key redacted', async () => {
    await expectScrubbed(await fetch(`${gateway.baseURL}/models`, { headers: { authorization: `Bearer ${GATEWAY_KEY}`, ...STEER } }));
  });

  it('then a passthrough call passes the error on with the key redacted', async () => {
    await expectScrubbed(await fetch(`${gateway.baseURL}/files`, { headers: { authorization: `Bearer ${GATEWAY_KEY}`, ...STEER } }));
  });

  it('then a refused WebSocket upgrade passes the refusal on with the key redacted', async () => {
    const socket = connect(gateway.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const steer = Object.entries(STEER).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.write(`GET /v1/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${GATEWAY_KEY}\r\n${steer}\r\n`);
    let answer = '';
    socket.setEncoding('utf8').on('data', (text: string) => (answer += text));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).not.toContain(UPSTREAM_KEY);
    expect(answer).toContain('[redacted]');
  });
});
