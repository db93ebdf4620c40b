import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayBefore } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayBefore(fake);
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'sk-client-own-key-0001', maxRetries: 0 });
});

describe('when a client uses the official openai SDK through the gateway', () => {
  it('then chat completions answer with content, usage and the gateway headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': 'req-chat-1' } })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from fake upstream');
    expect(data.usage?.prompt_tokens).toBe(12);
    expect(response.headers.get('x-request-id')).toBe('req-chat-1');
    expect(response.headers.get('x-breakwater-upstream')).toBe('fake');
    expect(response.headers.get('x-breakwater-attempts')).toBe('1');
  });

  it('then the request body reaches the upstream byte for byte, with the client key and a rewritten Host', async () => {
    const body = '{"model":"gpt-4o-mini",  "messages":[{"role":"user","content":"exact bytes ✓"}],"unknown_field":{"kept":true}}';
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-own-key-0002', 'x-fake-scenario': 'bytes', connection: 'keep-alive' },
      body,
    });
    expect(response.status).toBe(200);
    const received = fake.requests.find((request) => request.scenario === 'bytes')!;
    expect(received.body.toString('utf8')).toBe(body);
    expect(received.headers.authorization).toBe('Bearer sk-client-own-key-0002');
    expect(received.headers.host).toBe(new URL(fake.url).host);
    expect(received.headers['keep-alive']).toBeUndefined();
  });

  it('then a chat stream arrives chunk by chunk, and without the usage chunk the client did not ask for', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('tok0 tok1 tok2 ');
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('then a chat stream that asks for usage gets its usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let usage;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage?.completion_tokens).toBe(20);
  });

  it('then embeddings work', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
  });

  it('then the Responses API works, plain and streamed', async () => {
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(response.output_text).toBe('Hello from fake upstream');
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe('tok0 tok1 tok2 ');
    expect(final.usage?.output_tokens).toBe(20);
  });

  it('then legacy completions work', async () => {
    const result = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi' });
    expect(result.choices[0]!.text.length).toBeGreaterThan(0);
  });

  it('then models lists the upstream models', async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toContain('gpt-4o-mini');
  });

  it('then an upstream error passes through with its own status and body, classified', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fake-status': '401' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    const apiError = error as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(apiError.status).toBe(401);
    expect(apiError.headers.get('x-breakwater-error')).toBe('auth');
    expect(apiError.error).toMatchObject({ type: 'invalid_request_error' });
  });
});
