import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

let fake: FakeUpstream;
let open: RunningGateway;
let keyed: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  open = await gatewayProcess({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }] } });
  keyed = await gatewayProcess({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream-secret-777' }] } });
});

describe('when a client calls a /v1 path the gateway does not understand', () => {
  it('then it is passed through unchanged to the default upstream, with the gateway headers and an access line', async () => {
    const response = await fetch(`${open.baseURL}/organization/costs?start_time=1&limit=2`, { headers: { authorization: 'Bearer sk-client-abc-123456' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ echo: true, method: 'GET', path: '/v1/organization/costs', query: { start_time: '1', limit: '2' } });
    expect(response.headers.get('x-breakwater-upstream')).toBe('fake');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const received = fake.requests.at(-1)!;
    expect(received.headers.authorization).toBe('Bearer sk-client-abc-123456');
    const lines = await waitForAccessLines(open, 1);
    expect(lines.at(-1)).toMatchObject({ route: 'passthrough', path: '/organization/costs', status: 200, upstream: 'fake' });
  });

  it('then a POST body streams through byte for byte', async () => {
    const body = JSON.stringify({ input_file_id: 'file-1', endpoint: '/v1/chat/completions', completion_window: '24h' });
    const response = await fetch(`${open.baseURL}/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(fake.requests.at(-1)!.body.toString()).toBe(body);
  });

  it('then with an upstream apiKey configured the client key never goes upstream', async () => {
    await fetch(`${keyed.baseURL}/files`, { headers: { authorization: 'Bearer sk-client-should-not-pass', 'api-key': 'client-azure-key' } });
    const received = fake.requests.at(-1)!;
    expect(received.headers.authorization).toBe('Bearer sk-upstream-secret-777');
    expect(received.headers['api-key']).toBeUndefined();
  });

  it('then a Realtime WebSocket is proxied both ways', async () => {
    const socket = new WebSocket(`${open.baseURL.replace('http', 'ws')}/realtime?model=gpt-4o-realtime-preview`);
    const echoed = await new Promise<string>((resolve, reject) => {
      socket.addEventListener('open', () => socket.send('{"type":"session.update"}'));
      socket.addEventListener('message', (event) => resolve(String(event.data)));
      socket.addEventListener('error', () => reject(new Error('websocket failed')));
    });
    socket.close();
    expect(echoed).toBe('{"type":"session.update"}');
  });
});

describe('when an understood endpoint is called with an upstream apiKey configured', () => {
  it('then the upstream key replaces the client key', async () => {
    await fetch(`${keyed.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-should-not-pass', 'x-api-key': 'other-client-key' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }),
    });
    const received = fake.requests.at(-1)!;
    expect(received.headers.authorization).toBe('Bearer sk-upstream-secret-777');
    expect(received.headers['x-api-key']).toBeUndefined();
  });
});
