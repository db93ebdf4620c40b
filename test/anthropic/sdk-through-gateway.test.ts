import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import { accessLineOf, anthropicSdk, anthropicStack, MESSAGES, MODEL, post, UPSTREAM_KEY, type AnthropicStack } from './harness.ts';

describe('when the official @anthropic-ai/sdk talks to the gateway in front of an anthropic upstream', () => {
  let stack: AnthropicStack;
  let client: Anthropic;
  const base = { model: MODEL, max_tokens: 64, messages: MESSAGES };
  beforeAll(async () => {
    stack = await anthropicStack();
    client = anthropicSdk(stack.gw);
  });
  beforeEach(() => stack.fake.reset());

  it('then a message is created, and the upstream gets the gateway\'s key as x-api-key, the client\'s version and betas', async () => {
    const message = await client.messages.create(base, { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14' } });
    expect(message).toMatchObject({ type: 'message', model: MODEL, content: [{ type: 'text', text: 'Hello from fake upstream' }], usage: { input_tokens: 12, output_tokens: 20 } });
    const call = stack.fake.requests[0]!;
    expect(call.path).toBe('/v1/messages');
    expect(call.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(call.headers.authorization).toBeUndefined();
    expect(call.headers['anthropic-version']).toBe('2026-10-21');
    expect(call.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14');
    // the client's body goes upstream byte for byte
    expect(call.json).toEqual(base);
  });

  it('then a streamed message arrives event by event with its final usage', async () => {
    const stream = client.messages.stream(base, { headers: { 'x-fake-chunks': '4' } });
    const texts: string[] = [];
    stream.on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();
    expect(texts).toEqual(['tok0 ', 'tok1 ', 'tok2 ', 'tok3 ']);
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 20 });
  });

  it('then a tool_use answer is assembled from its input_json_delta pieces, and the tool result goes back', async () => {
    const tool = JSON.stringify({ name: 'get_weather', input: { city: 'Paris' }, id: 'toolu_gw' });
    const tools = [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
    const first = await client.messages.stream({ ...base, tools }, { headers: { 'x-fake-tool-use': tool } }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([{ type: 'tool_use', id: 'toolu_gw', name: 'get_weather', input: { city: 'Paris' } }]);
    const second = await client.messages.create({
      ...base,
      tools,
      messages: [...MESSAGES, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_gw', content: 'sunny' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(JSON.stringify(stack.fake.requests[1]?.json)).toContain('"tool_use_id":"toolu_gw"');
  });

  it('then count_tokens is answered by the upstream the model routes to', async () => {
    const counted = await client.messages.countTokens({ model: MODEL, messages: MESSAGES }, { headers: { 'x-fake-anthropic-usage': '{"input_tokens":321}' } });
    expect(counted).toEqual({ input_tokens: 321 });
    expect(stack.fake.requests[0]).toMatchObject({ path: '/v1/messages/count_tokens' });
    expect(stack.fake.requests[0]?.headers['x-api-key']).toBe(UPSTREAM_KEY);
  });

  it('then a query string (Claude Code\'s ?beta=true) reaches the upstream, and a client without anthropic-version gets 2023-06-01 sent for it', async () => {
    const res = await post(stack.gw, '/messages?beta=true', JSON.stringify(base));
    expect(res.status).toBe(200);
    expect(stack.fake.requests[0]?.path).toBe('/v1/messages?beta=true');
    expect(stack.fake.requests[0]?.headers['anthropic-version']).toBe('2023-06-01');
    expect(await accessLineOf(stack.gw, res.headers.get('x-request-id'))).toMatchObject({ route: 'messages', path: '/messages', status: 200 });
  });
});
