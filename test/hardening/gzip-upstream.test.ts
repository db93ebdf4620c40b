import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayBefore } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayBefore(fake, { retry: { maxAttempts: 1 } });
});

const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-gzip': '1', 'accept-encoding': 'gzip', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });

describe('when an upstream gzips its answers although the gateway asked for identity', () => {
  it('then an understood JSON answer reaches the client inflated, with its provider usage counted', async () => {
    const response = await chat({});
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    const json = (await response.body.json()) as { choices: unknown[] };
    expect(json.choices).toHaveLength(1);
    expect(fake.requests.at(-1)!.headers['accept-encoding']).toBe('identity');
    const lines = await waitForAccessLines(gateway, 1);
    expect(lines.at(-1)).toMatchObject({ status: 200, usage_source: 'provider', tokens: { input: 12, output: 20 } });
  });

  it('then an understood stream reaches the client as plain SSE events, ending cleanly, with usage counted', async () => {
    const response = await chat({ stream: true });
    expect(response.headers['content-encoding']).toBeUndefined();
    const text = await response.body.text();
    expect(text).toContain('data: {');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const lines = await waitForAccessLines(gateway, 2);
    expect(lines.at(-1)).toMatchObject({ stream_outcome: 'completed', usage_source: 'provider', tokens: { input: 12, output: 20 } });
  });

  it('then an upstream error body is inflated before it is read and passed on', async () => {
    const response = await chat({}, { 'x-fake-status': '400' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(await response.body.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('then a passthrough answer is relayed untouched, still compressed', async () => {
    const response = await request(`${gateway.baseURL}/organization/costs`, { headers: { 'x-fake-gzip': '1', 'accept-encoding': 'gzip' } });
    expect(response.headers['content-encoding']).toBe('gzip');
    const raw = Buffer.from(await response.body.arrayBuffer());
    expect(JSON.parse(gunzipSync(raw).toString('utf8'))).toMatchObject({ echo: true, path: '/v1/organization/costs' });
  });
});
