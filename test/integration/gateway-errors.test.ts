import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayProcess({
    config: {
      server: { maxBodyBytes: 4096 },
      upstreams: [
        { name: 'fake', baseUrl: fake.baseUrl },
        { name: 'dead', baseUrl: 'http://127.0.0.1:9/v1', timeouts: { connectMs: 500 } },
      ],
      routes: [
        { match: 'gpt-*', targets: [{ upstream: 'fake' }] },
        { match: 'dead-*', targets: [{ upstream: 'dead' }] },
      ],
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
    },
  });
});

async function post(body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: { error?: { message: string; type: string; code: string; param: string | null } } }> {
  const response = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, headers: response.headers, json: (await response.json()) as never };
}

describe('when the gateway itself refuses a request', () => {
  it('then bad JSON is a 400 in OpenAI shape with x-breakwater-error', async () => {
    const { status, headers, json } = await post('{"model": "gpt-4o-mini",');
    expect(status).toBe(400);
    expect(headers.get('x-breakwater-error')).toBe('invalid_request');
    expect(json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', param: null });
    expect(typeof json.error?.message).toBe('string');
  });

  it('then a missing model is a 400 naming the param', async () => {
    const { status, json } = await post('{"messages": []}');
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ code: 'invalid_body', param: 'model' });
  });

  it('then a body over server.maxBodyBytes is a 413', async () => {
    const { status, json } = await post(JSON.stringify({ model: 'gpt-4o-mini', pad: 'x'.repeat(5000) }));
    expect(status).toBe(413);
    expect(json.error?.code).toBe('request_too_large');
  });

  it('then a model no route serves is a 404 model_not_found', async () => {
    const { status, headers, json } = await post(JSON.stringify({ model: 'claude-3', messages: [] }));
    expect(status).toBe(404);
    expect(headers.get('x-breakwater-error')).toBe('invalid_request');
    expect(json.error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('then an unreachable upstream is a 502 after the retries, saying how many attempts were made', async () => {
    const { status, headers, json } = await post(JSON.stringify({ model: 'dead-model', messages: [] }));
    expect(status).toBe(502);
    expect(headers.get('x-breakwater-error')).toBe('network');
    expect(headers.get('x-breakwater-upstream')).toBe('dead');
    expect(headers.get('x-breakwater-attempts')).toBe('2');
    expect(json.error).toMatchObject({ code: 'upstream_unreachable', type: 'upstream_error' });
  });

  it('then a path outside /v1 is a 404 in OpenAI shape', async () => {
    const response = await fetch(`${gateway.url}/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('then the gateway keeps serving afterwards', async () => {
    const { status } = await post(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] }));
    expect(status).toBe(200);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});
