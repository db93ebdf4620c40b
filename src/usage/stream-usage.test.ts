import { describe, expect, it } from 'vitest';
import { SseSplitter, type SseEvent } from '../upstream/sse.js';
import { createStreamUsageReader, MAX_COLLECTED_CHARS } from './stream-usage.js';

function events(text: string): SseEvent[] {
  const s = new SseSplitter();
  return [...s.push(Buffer.from(text)), ...s.flush()];
}

const chatStream = [
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}',
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hello"}}],"usage":null}',
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":" \\"usage\\": {x} world"}}],"usage":null}',
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}',
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}',
  'data: [DONE]',
].map((l) => `${l}\n\n`).join('');

function feed(text: string, reader: ReturnType<typeof createStreamUsageReader>): string[] {
  return events(text).filter((ev) => reader.onEvent(ev)).map((ev) => ev.data);
}

describe('createStreamUsageReader: chat', () => {
  it('strips the injected usage-only chunk when the client did not ask for usage', () => {
    const r = createStreamUsageReader('chat', { stripInjectedUsage: true, collectText: false });
    const forwarded = feed(chatStream, r);
    expect(forwarded).toHaveLength(5);
    expect(forwarded.some((d) => d.includes('"choices":[]'))).toBe(false);
    expect(forwarded.at(-1)).toBe('[DONE]');
    expect(r.usage).toEqual({ input: 19, cachedInput: 0, cacheWrite: 0, output: 10, reasoning: 0, source: 'provider' });
    expect(r.responseModel).toBe('gpt-4o-2024-08-06');
    expect(r.sawTerminal).toBe(true);
    expect(r.upstreamError).toBe(false);
    expect(r.deliveredText).toBe('');
  });

  it('keeps the usage chunk when the client asked for usage, and collects text', () => {
    const r = createStreamUsageReader('chat', { stripInjectedUsage: false, collectText: true });
    expect(feed(chatStream, r)).toHaveLength(6);
    expect(r.usage?.output).toBe(10);
    expect(r.deliveredText).toBe('Hello "usage": {x} world');
  });

  it('a truncated stream has no terminal and no usage', () => {
    const cut = chatStream.slice(0, chatStream.indexOf('"finish_reason"'));
    const r = createStreamUsageReader('chat', { stripInjectedUsage: true, collectText: true });
    feed(cut, r);
    expect(r.sawTerminal).toBe(false);
    expect(r.usage).toBeUndefined();
    expect(r.deliveredText).toBe('Hello "usage": {x} world');
  });

  it('a [DONE] without its terminating blank line (flushed as incomplete) is not terminal', () => {
    const r = createStreamUsageReader('chat', { stripInjectedUsage: true, collectText: false });
    feed('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: [DONE]', r);
    expect(r.sawTerminal).toBe(false);
  });

  it('an error payload mid-stream is terminal with error', () => {
    const r = createStreamUsageReader('chat', { stripInjectedUsage: true, collectText: false });
    feed('data: {"choices":[{"delta":{"content":"a"}}]}\n\ndata: {"error":{"message":"overloaded","type":"server_error"}}\n\n', r);
    expect(r.sawTerminal).toBe(true);
    expect(r.upstreamError).toBe(true);
  });

  it('skips Azure’s empty model and collects tool-call arguments', () => {
    const r = createStreamUsageReader('chat', { stripInjectedUsage: true, collectText: true });
    feed(
      'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}\n\n' +
        'data: {"model":"gpt-4o-mini","choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a\\":1}"}}]}}]}\n\n',
      r,
    );
    expect(r.responseModel).toBe('gpt-4o-mini');
    expect(r.deliveredText).toBe('{"a":1}');
  });

  it('accepts pretty-printed usage objects (Python-style separators)', () => {
    const r = createStreamUsageReader('text_completion', { stripInjectedUsage: true, collectText: false });
    const out = feed('data: {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}\n\ndata: [DONE]\n\n', r);
    expect(out).toEqual(['[DONE]']);
    expect(r.usage).toMatchObject({ input: 3, output: 4 });
  });

  it('caps collected text', () => {
    const r = createStreamUsageReader('chat', { stripInjectedUsage: true, collectText: true });
    const big = 'x'.repeat(200 * 1024);
    const chunk = `data: {"choices":[{"delta":{"content":"${big}"}}]}\n\n`;
    feed(chunk + chunk, r);
    expect(r.deliveredText.length).toBe(MAX_COLLECTED_CHARS);
  });
});

const responsesStream = [
  'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-5-2025-08-07","usage":null}}',
  'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}',
  'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"delta":" there"}',
  'event: response.completed\ndata: {"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5-2025-08-07","usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":123}}}',
].map((l) => `${l}\n\n`).join('');

describe('createStreamUsageReader: responses', () => {
  it('reads usage and model from response.completed', () => {
    const r = createStreamUsageReader('responses', { stripInjectedUsage: true, collectText: true });
    expect(feed(responsesStream, r)).toHaveLength(4);
    expect(r.sawTerminal).toBe(true);
    expect(r.upstreamError).toBe(false);
    expect(r.usage).toEqual({ input: 36, cachedInput: 0, cacheWrite: 0, output: 23, reasoning: 64, source: 'provider' });
    expect(r.responseModel).toBe('gpt-5-2025-08-07');
    expect(r.deliveredText).toBe('Hi there');
  });

  it('finds the type in data when the event line is absent', () => {
    const r = createStreamUsageReader('responses', { stripInjectedUsage: true, collectText: false });
    feed(responsesStream.replace(/event: [^\n]+\n/g, ''), r);
    expect(r.sawTerminal).toBe(true);
    expect(r.usage?.reasoning).toBe(64);
  });

  it('a truncated stream has no terminal', () => {
    const r = createStreamUsageReader('responses', { stripInjectedUsage: true, collectText: true });
    feed(responsesStream.slice(0, responsesStream.indexOf('event: response.completed')), r);
    expect(r.sawTerminal).toBe(false);
    expect(r.usage).toBeUndefined();
    expect(r.responseModel).toBe('gpt-5-2025-08-07');
  });

  it('an error event is terminal with error', () => {
    const r = createStreamUsageReader('responses', { stripInjectedUsage: true, collectText: false });
    feed('event: error\ndata: {"type":"error","code":"server_error","message":"boom","param":null}\n\n', r);
    expect(r.sawTerminal).toBe(true);
    expect(r.upstreamError).toBe(true);
  });

  it('response.failed is terminal with error; response.incomplete is terminal without', () => {
    const failed = createStreamUsageReader('responses', { stripInjectedUsage: true, collectText: false });
    feed('event: response.failed\ndata: {"type":"response.failed","response":{"status":"failed","usage":null}}\n\n', failed);
    expect([failed.sawTerminal, failed.upstreamError]).toEqual([true, true]);
    const inc = createStreamUsageReader('responses', { stripInjectedUsage: true, collectText: false });
    feed('event: response.incomplete\ndata: {"type":"response.incomplete","response":{"usage":{"input_tokens":5,"output_tokens":9}}}\n\n', inc);
    expect([inc.sawTerminal, inc.upstreamError, inc.usage?.output]).toEqual([true, false, 9]);
  });
});
