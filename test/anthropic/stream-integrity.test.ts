import { beforeAll, describe, expect, it } from 'vitest';
import { APIError } from '@anthropic-ai/sdk';
import { readSseEvents } from '../fixtures/sse.ts';
import { accessLineOf, anthropicSdk, anthropicStack, messageBody, MESSAGES, MODEL, parseSamples, post, scrape, usageHeader, valueOf, type AnthropicStack } from './harness.ts';

/*
 * A stream that ends before `message_stop` must never look complete: the gateway ends it with
 * `event: error` and an Anthropic error object. Claude Code answers that event by asking again
 * without streaming. What was delivered is still accounted: the prompt side as message_start
 * reported it, the output estimated from the delivered text ("tok0 tok1 tok2 " is 7 tokens).
 */
describe('when an Anthropic stream breaks, then the client is told with an error event and what was delivered is accounted', () => {
  let stack: AnthropicStack;
  beforeAll(async () => {
    stack = await anthropicStack({ retry: { maxAttempts: 1 } });
  });

  it('then a stream cut before message_stop ends with event: error carrying an Anthropic error object', async () => {
    const res = await post(stack.gw, '/messages', messageBody({ stream: true }), { 'x-fake-truncate': '1', ...usageHeader({ input_tokens: 100, cache_read_input_tokens: 40, output_tokens: 30 }) });
    expect(res.status).toBe(200);
    const events = readSseEvents(res.text);
    expect(events.map((event) => event.event)).not.toContain('message_stop');
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toEqual({ type: 'error', error: { type: 'api_error', message: 'upstream stream ended before its terminal event' } });
    const line = await accessLineOf(stack.gw, res.headers.get('x-request-id'));
    // 100 x 3 + 40 x 0.3 + 7 x 15 = 417 USD per 1M tokens
    expect(line).toMatchObject({ status: 200, stream_outcome: 'upstream_truncated', error_type: 'network', tokens: { input: 100, cached_input: 40, cache_write: 0, output: 7 }, usage_source: 'estimated', cost_usd: 0.000417 });
  });

  it('then the SDK raises on a stream reset mid-way, never returning a short message as complete', async () => {
    const client = anthropicSdk(stack.gw);
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: MESSAGES }, { headers: { 'x-fake-reset': 'after-chunks:2', 'x-fake-chunks': '4' } });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(APIError);
  });

  it('then the upstream\'s own error event is passed on once, and counted as an upstream error', async () => {
    const res = await post(stack.gw, '/messages', messageBody({ stream: true }), { 'x-fake-stream-error': 'overloaded_error' });
    const events = readSseEvents(res.text);
    expect(events.filter((event) => event.event === 'error')).toHaveLength(1);
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    const line = await accessLineOf(stack.gw, res.headers.get('x-request-id'));
    expect(line).toMatchObject({ status: 200, stream_outcome: 'upstream_error', error_type: 'upstream_5xx', usage_source: 'estimated' });
  });

  it('then a client that leaves mid-stream is accounted as client_cancelled, its prompt from message_start', async () => {
    const client = anthropicSdk(stack.gw);
    const controller = new AbortController();
    const { data, response } = await client.messages
      .create({ model: MODEL, max_tokens: 64, messages: MESSAGES, stream: true }, { headers: { 'x-fake-chunks': '8', 'x-fake-chunk-delay-ms': '100', ...usageHeader({ input_tokens: 250, output_tokens: 30 }) }, signal: controller.signal })
      .withResponse();
    let deltas = 0;
    try {
      for await (const event of data) {
        if (event.type === 'content_block_delta' && ++deltas === 2) controller.abort();
      }
    } catch {
      // the SDK may end quietly or throw an abort error: either way the client is gone
    }
    const line = await accessLineOf(stack.gw, response.headers.get('x-request-id'));
    expect(line).toMatchObject({ status: 200, stream_outcome: 'client_cancelled', error_type: 'client_closed', usage_source: 'estimated', tokens: { input: 250 } });
    const output = (line.tokens as { output: number }).output;
    // at least the two deltas read ("tok0 tok1 " = 5 tokens), less than the whole answer (8 deltas = 21 tokens)
    expect(output).toBeGreaterThanOrEqual(5);
    expect(output).toBeLessThan(21);
  });

  it('then the outcomes are counted like any stream', async () => {
    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_stream_outcomes_total', { model: MODEL, outcome: 'upstream_truncated' })).toBe(2);
    expect(valueOf(samples, 'breakwater_stream_outcomes_total', { model: MODEL, outcome: 'upstream_error' })).toBe(1);
    expect(valueOf(samples, 'breakwater_stream_outcomes_total', { model: MODEL, outcome: 'client_cancelled' })).toBe(1);
    expect(valueOf(samples, 'breakwater_tokens_total', { model: MODEL, type: 'input', usage_source: 'estimated' })).toBeGreaterThanOrEqual(350);
  });
});
