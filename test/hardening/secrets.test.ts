import { beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

const GATEWAY_KEY = 'bw-gateway-key-secret-4242';
const UPSTREAM_KEY = 'sk-upstream-secret-key-9191';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayProcess({
    config: {
      upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: '${UPSTREAM_KEY}' }],
      keys: [{ name: 'team-a', hash: hashKey(GATEWAY_KEY) }],
    },
    env: { UPSTREAM_KEY },
  });
});

describe('when a gateway key is sent in the query string', () => {
  it('then it is refused with 400, never forwarded, and never logged', async () => {
    const before = fake.requests.length;
    const response = await fetch(`${gateway.baseURL}/chat/completions?api_key=${GATEWAY_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"gpt-4o-mini","messages":[]}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('key_in_query');
    expect(fake.requests.length).toBe(before);
    await waitForAccessLines(gateway, 1);
    expect(gateway.stdout()).not.toContain(GATEWAY_KEY);
  });
});

describe('when a request carries the gateway key', () => {
  it('then the upstream sees only the upstream key, and an upstream error echoing it is redacted in logs', async () => {
    const echo = JSON.stringify({ error: { message: `Incorrect API key provided: ${UPSTREAM_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key', param: null } });
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}`, 'x-fake-status': '401', 'x-fake-body': echo },
      body: '{"model":"gpt-4o-mini","messages":[]}',
    });
    expect(response.status).toBe(401);
    const received = fake.requests.at(-1)!;
    expect(received.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(received.headers)).not.toContain(GATEWAY_KEY);
    await waitForAccessLines(gateway, 2);
    expect(gateway.stdout()).not.toContain(UPSTREAM_KEY);
    expect(gateway.stdout()).not.toContain(GATEWAY_KEY);
    expect(gateway.stderr()).not.toContain(UPSTREAM_KEY);
  });

  it('then a client cannot choose the upstream through headers', async () => {
    await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}`, host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-breakwater-upstream': 'evil' },
      body: '{"model":"gpt-4o-mini","messages":[]}',
    });
    const received = fake.requests.at(-1)!;
    expect(received.headers.host).toBe(new URL(fake.url).host);
    expect(received.headers['x-breakwater-upstream']).toBeUndefined();
  });
});
