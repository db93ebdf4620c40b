import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { SseSplitter } from '../upstream/sse.js';
import { ANTHROPIC } from './anthropic.js';

function events(text: string) {
  const splitter = new SseSplitter();
  return [...splitter.push(Buffer.from(text)), ...splitter.flush()];
}

const ev = (type: string, body: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;

describe('the Anthropic wire API', () => {
  it('reads model, stream, max_tokens and temperature; one completion; never asks for usage', () => {
    const parsed = ANTHROPIC.parseRequest('messages', { model: 'claude-sonnet-4-6', max_tokens: 1024, stream: true, temperature: 0.2, messages: [] });
    expect(parsed).toMatchObject({ model: 'claude-sonnet-4-6', stream: true, maxTokens: 1024, temperature: 0.2, choices: 1, clientAskedUsage: false });
    expect(ANTHROPIC.canAskUsage('messages')).toBe(false);
    expect(() => ANTHROPIC.parseRequest('messages', { max_tokens: 5 })).toThrow(GatewayError);
  });

  it('speaks its errors in Anthropic\'s envelope and type names', () => {
    expect(ANTHROPIC.errorBody(new GatewayError('invalid_api_key', 'no'))).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'no' } });
    const types = (['invalid_json', 'model_not_found', 'request_too_large', 'gateway_rate_limited', 'budget_exceeded', 'passthrough_denied', 'upstream_error', 'circuit_open', 'timeout', 'internal_error'] as const)
      .map((code) => (ANTHROPIC.errorBody(new GatewayError(code, 'x')) as { error: { type: string } }).error.type);
    expect(types).toEqual(['invalid_request_error', 'not_found_error', 'request_too_large', 'rate_limit_error', 'rate_limit_error', 'permission_error', 'api_error', 'overloaded_error', 'timeout_error', 'api_error']);
  });

  it('ends a cut stream with an error event carrying an Anthropic error object', () => {
    const event = events(ANTHROPIC.streamError('network', 'upstream_truncated', 'cut')).find((e) => e.data !== '');
    expect(event?.event).toBe('error');
    expect(JSON.parse(event!.data)).toEqual({ type: 'error', error: { type: 'api_error', message: 'cut' } });
  });

  it('a stream is complete at message_stop, failed at an error event, open otherwise', () => {
    const watch = (text: string) => {
      const watcher = ANTHROPIC.streamEnd('messages');
      for (const event of events(text)) watcher.see(event);
      return watcher.state;
    };
    expect(watch(ev('message_start') + ev('message_delta') + ev('message_stop'))).toBe('completed');
    expect(watch(ev('message_start') + ev('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }))).toBe('failed');
    expect(watch(ev('message_start') + ev('message_delta'))).toBe('open');
    // a message_stop cut before its blank line is no end
    expect(watch(ev('message_start') + 'event: message_stop\ndata: {"type":"message_stop"}')).toBe('open');
  });

  it('reads the error type of an upstream error body', () => {
    expect(ANTHROPIC.upstreamErrorCode(Buffer.from('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'))).toBe('overloaded_error');
    // the context overflow is named only in its message; it is classed like OpenAI's, so a route falls back
    const tooLong = '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 215000 tokens > 200000 maximum"}}';
    expect(ANTHROPIC.upstreamErrorCode(Buffer.from(tooLong))).toBe('context_length_exceeded');
    expect(ANTHROPIC.upstreamErrorCode(Buffer.from('{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: field required"}}'))).toBe('invalid_request_error');
  });
});

describe('the Anthropic answer reader', () => {
  const start = (usage: Record<string, unknown>) => ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], usage } });
  const read = (text: string) => {
    const reader = ANTHROPIC.answerReader('messages', { hideAskedUsage: false });
    for (const event of events(text)) expect(reader.onEvent(event)).toBe(true);
    return reader.facts();
  };

  it('takes model and id from message_start and the last cumulative usage', () => {
    const facts = read(start({ input_tokens: 100, cache_read_input_tokens: 40, cache_creation_input_tokens: 10, output_tokens: 1 })
      + ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } })
      + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 10 } })
      + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 30 } })
      + ev('message_stop'));
    expect(facts).toMatchObject({ model: 'claude-sonnet-4-6', id: 'msg_1', text: 'Hello', promptUsage: undefined });
    expect(facts.usage).toEqual({ input: 100, cachedInput: 40, cacheWrite: 10, output: 30, reasoning: 0, source: 'provider' });
  });

  it('a stream cut before any message_delta reports its prompt side only, and the text for an estimate', () => {
    const facts = read(start({ input_tokens: 100, output_tokens: 1 })
      + ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } })
      + ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hm' } }));
    expect(facts.usage).toBeUndefined();
    expect(facts.promptUsage).toMatchObject({ input: 100 });
    expect(facts.text).toBe('{"a":hm');
    // a translating proxy's zeros are no prompt report
    expect(read(start({ input_tokens: 0, output_tokens: 0 })).promptUsage).toBeUndefined();
  });

  it('reads a whole answer\'s usage, model and id as its bytes pass; text only when no usage came', () => {
    const reader = ANTHROPIC.answerReader('messages', { hideAskedUsage: false });
    const body = JSON.stringify({ id: 'msg_2', type: 'message', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'Hi there' }], usage: { input_tokens: 7, output_tokens: 3, cache_creation: { ephemeral_5m_input_tokens: 1, ephemeral_1h_input_tokens: 2 }, cache_creation_input_tokens: 3 } });
    reader.onChunk(Buffer.from(body.slice(0, 20)));
    reader.onChunk(Buffer.from(body.slice(20)));
    expect(reader.facts()).toEqual({ usage: { input: 7, cachedInput: 0, cacheWrite: 3, cacheWrite1h: 2, output: 3, reasoning: 0, source: 'provider' }, promptUsage: undefined, model: 'claude-haiku-4-5', id: 'msg_2', text: '', toolCallIds: [] });
    const bare = ANTHROPIC.answerReader('messages', { hideAskedUsage: false });
    bare.onChunk(Buffer.from(JSON.stringify({ id: 'msg_3', content: [{ type: 'text', text: 'Hi there' }, { type: 'tool_use', input: { city: 'Paris' } }] })));
    expect(bare.facts()).toMatchObject({ usage: undefined, text: 'Hi there{"city":"Paris"}' });
  });

  it('lists the tool_use ids an answer makes, whole or streamed, so the call answering them joins the run', () => {
    const whole = ANTHROPIC.answerReader('messages', { hideAskedUsage: false });
    whole.onChunk(Buffer.from(JSON.stringify({ id: 'msg_4', model: 'm', content: [{ type: 'tool_use', id: 'toolu_a', name: 'Read', input: {} }, { type: 'tool_use', id: 'toolu_b', name: 'Read', input: {} }], usage: { input_tokens: 1, output_tokens: 1 } })));
    expect(whole.facts().toolCallIds).toEqual(['toolu_a', 'toolu_b']);
    const streamed = ANTHROPIC.answerReader('messages', { hideAskedUsage: false });
    streamed.onEvent({ event: 'content_block_start', raw: Buffer.alloc(0), data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) });
    streamed.onEvent({ event: 'content_block_start', raw: Buffer.alloc(0), data: JSON.stringify({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_c', name: 'Bash', input: {} } }) });
    expect(streamed.facts().toolCallIds).toEqual(['toolu_c']);
  });
});
