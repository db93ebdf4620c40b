import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { rawExchange, statusOf, statusesOf } from '../helpers/raw-http.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayProcess({ config: { server: { maxBodyBytes: 64 * 1024 }, upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }] } });
});

interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

async function post(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<{ status: number; json: ErrorBody; errorClass: string | null }> {
  const response = await fetch(`${gateway.baseURL}/chat/completions`, { method: 'POST', headers, body });
  return { status: response.status, json: (await response.json()) as ErrorBody, errorClass: response.headers.get('x-breakwater-error') };
}

function expectOpenAiShape(json: ErrorBody): void {
  expect(Object.keys(json)).toEqual(['error']);
  expect(typeof json.error.message).toBe('string');
  expect(typeof json.error.type).toBe('string');
  expect(typeof json.error.code).toBe('string');
  expect('param' in json.error).toBe(true);
}

describe('when a client sends a bad body to an understood endpoint', () => {
  it.each([
    ['invalid JSON', '{"model":', 'invalid_json'],
    ['JSON that is not an object', '["gpt-4o-mini"]', 'invalid_body'],
    ['a JSON string', '"hello"', 'invalid_body'],
    ['null', 'null', 'invalid_body'],
    ['a missing model', '{"messages":[]}', 'invalid_body'],
    ['a non-string model', '{"model":42,"messages":[]}', 'invalid_body'],
    ['an empty model', '{"model":"","messages":[]}', 'invalid_body'],
    ['a non-boolean stream', '{"model":"gpt-4o-mini","stream":"yes"}', 'invalid_body'],
    ['an empty body', '', 'invalid_json'],
  ])('then %s is a 400 in OpenAI shape', async (_name, body, code) => {
    const { status, json, errorClass } = await post(body);
    expect(status).toBe(400);
    expectOpenAiShape(json);
    expect(json.error.code).toBe(code);
    expect(errorClass).toBe('invalid_request');
  });

  it('then invalid UTF-8 is a 400, not silently repaired', async () => {
    const body = Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expect(json.error.message).toMatch(/UTF-8/);
  });

  it('then deeply nested JSON is answered without crashing the gateway', async () => {
    const depth = 60_000;
    const body = `{"model":"gpt-4o-mini","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const { status } = await post(body);
    expect([200, 400, 413]).toContain(status);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('then a wrong Content-Type is a 415', async () => {
    const { status, json } = await post('model=gpt-4o-mini', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(status).toBe(415);
    expect(json.error.code).toBe('unsupported_media_type');
  });

  it('then a declared body over the limit is refused with 413 before it is read', async () => {
    const answer = await rawExchange(
      gateway.port,
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n{"model":`,
    );
    expect(statusOf(answer)).toBe(413);
    expect(answer).toContain('request_too_large');
  });

  it('then a chunked body growing over the limit is cut off with 413', async () => {
    const chunk = 'x'.repeat(32 * 1024);
    const chunks = Array.from({ length: 4 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const answer = await rawExchange(gateway.port, `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`);
    expect(statusOf(answer)).toBe(413);
    expect(answer).toContain('request_too_large');
  });

  it('then unknown fields are forwarded untouched', async () => {
    const body = '{"model":"gpt-4o-mini","messages":[],"vendor_extension":{"deep":[1,2,{"k":null}]},"n":1}';
    const { status } = await post(body);
    expect(status).toBe(200);
    expect(fake.requests.at(-1)!.body.toString()).toBe(body);
  });
});

describe('when a client sends malformed HTTP', () => {
  it('then huge headers get 431', async () => {
    const answer = await rawExchange(gateway.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`);
    expect(statusOf(answer)).toBe(431);
  });

  it('then an oversized URL gets 431 (it counts toward the header limit)', async () => {
    const answer = await rawExchange(gateway.port, `GET /v1/models?${'q'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(statusOf(answer)).toBe(431);
  });

  it('then an unknown method gets 400', async () => {
    const answer = await rawExchange(gateway.port, 'BREW /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(answer)).toBe(400);
  });

  it('then Content-Length together with Transfer-Encoding is refused, and nothing reaches the upstream', async () => {
    const before = fake.requests.length;
    const smuggled = 'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/files HTTP/1.1\r\nHost: x\r\n\r\n';
    const answer = await rawExchange(gateway.port, smuggled);
    expect(statusOf(answer)).toBe(400);
    expect(fake.requests.length).toBe(before);
  });

  it('then HTTP/1.0 is served', async () => {
    const answer = await rawExchange(gateway.port, 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(statusOf(answer)).toBe(200);
  });

  it('then pipelined requests are all answered in order', async () => {
    const body = '{"model":"gpt-4o-mini","messages":[]}';
    const one = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const answer = await rawExchange(gateway.port, `${one}${one}GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(statusesOf(answer)).toEqual([200, 200, 200]);
  });

  it('then path tricks cannot climb out of the upstream base path', async () => {
    for (const path of ['/v1//evil.example/x', '/v1/../admin', '/v1/files/%2e%2e/secret', '/v1/a/./b', '/v1/files%2fx']) {
      const answer = await rawExchange(gateway.port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(statusOf(answer), path).toBe(404);
    }
    expect(fake.requests.some((request) => request.path.includes('evil') || request.path.includes('..') || request.path.includes('admin'))).toBe(false);
  });

  it('then the gateway still serves normally afterwards', async () => {
    const { status } = await post('{"model":"gpt-4o-mini","messages":[]}');
    expect(status).toBe(200);
  });
});
