import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, startStack, type Stack } from './observe-helpers.ts';

describe('when a chat completion is traced, then one SERVER span carries the GenAI attributes and one CLIENT child the attempt', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tracing: true });
  });

  it('exports `chat gpt-4o-mini` with usage, cost and a timed client span whose id went upstream', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a secret prompt' }], max_tokens: 64, temperature: 0.3 },
      { headers: { 'x-fake-usage': '{"prompt_tokens":100,"completion_tokens":40,"cached_tokens":30,"reasoning_tokens":10}', 'x-fake-model': 'gpt-4o-mini-2024-07-18' } },
    );
    const receiver = stack.receiver!;
    const spans = await receiver.waitForSpans((all) => all.some((s) => s.kind === 2) && all.some((s) => s.kind === 3));
    const server = spans.find((s) => s.kind === 2)!;
    const clients = spans.filter((s) => s.kind === 3);

    expect(server.name).toBe('chat gpt-4o-mini');
    expect(server.parentSpanId).toBeUndefined();
    expect(server.resource['service.name']).toBe('breakwater');
    expect(server.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'openai.api.type': 'chat_completions',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      // semconv totals: input includes cached, output includes reasoning
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 40,
      'gen_ai.usage.cache_read.input_tokens': 30,
      'gen_ai.usage.reasoning.output_tokens': 10,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.3,
      'http.response.status_code': 200,
      'breakwater.upstream': 'fake',
      'breakwater.attempts': 1,
      'breakwater.tokens.input': 70,
      'breakwater.tokens.output': 30,
      'breakwater.usage_source': 'provider',
    });
    // 70 x 0.15 + 30 x 0.075 + 30 x 0.60 + 10 x 0.60 = 36.75 USD per 1M
    expect(server.attributes['breakwater.cost_usd']).toBe(0.00003675);
    expect(server.attributes['error.type']).toBeUndefined();
    // Prompts stay off spans unless telemetry.logPrompts.
    expect(JSON.stringify(server.attributes)).not.toContain('a secret prompt');

    expect(clients).toHaveLength(1);
    const attempt = clients[0]!;
    expect(attempt.name).toBe('chat gpt-4o-mini');
    expect(attempt.traceId).toBe(server.traceId);
    expect(attempt.parentSpanId).toBe(server.spanId);
    expect(attempt.attributes).toMatchObject({ 'breakwater.upstream': 'fake', 'breakwater.attempt': 1, 'http.response.status_code': 200, 'server.address': '127.0.0.1' });
    expect(attempt.attributes['breakwater.upstream.first_byte_ms']).toBeGreaterThan(0);
    expect(attempt.attributes['breakwater.upstream.connection_reused']).toBe(false);
    expect(attempt.attributes['breakwater.upstream.connect_ms']).toBeGreaterThanOrEqual(0);
    expect(attempt.events.map((e) => e.name)).toEqual(expect.arrayContaining(['breakwater.upstream.connected', 'breakwater.upstream.request_sent', 'breakwater.upstream.first_byte']));

    // The upstream was told the attempt's CLIENT span as its parent.
    const sent = stack.fake.requests[0]?.headers['traceparent'];
    expect(sent).toBe(`00-${attempt.traceId}-${attempt.spanId}-01`);

    const [line] = await waitForAccessLines(stack.gw, 1);
    expect(line).toMatchObject({ trace_id: server.traceId, span_id: server.spanId });
  });
});
