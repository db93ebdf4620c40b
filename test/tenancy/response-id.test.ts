import { describe, expect, it } from 'vitest';
import { responseIdFromJson } from '../../src/usage/extract.ts';
import { createStreamUsageReader } from '../../src/usage/stream-usage.ts';
import { SseSplitter } from '../../src/upstream/sse.ts';

function idOfStream(op: 'chat' | 'responses', text: string): string | undefined {
  const reader = createStreamUsageReader(op, { stripInjectedUsage: false, collectText: false });
  for (const event of new SseSplitter().push(Buffer.from(text))) reader.onEvent(event);
  return reader.responseId;
}

describe('when the answer of a stored call is read', () => {
  it('then the id of a JSON answer is its own id (chat completion or response)', () => {
    expect(responseIdFromJson({ id: 'chatcmpl-1', object: 'chat.completion' })).toBe('chatcmpl-1');
    expect(responseIdFromJson({ type: 'response.completed', response: { id: 'resp_1' } })).toBe('resp_1');
    expect(responseIdFromJson({ id: '' })).toBeUndefined();
    expect(responseIdFromJson([])).toBeUndefined();
  });

  it('then a chat stream gives the id its chunks lead with, not a tool call id', () => {
    const chunk = (body: object): string => `data: ${JSON.stringify(body)}\n\n`;
    const stream = chunk({ id: 'chatcmpl-9', object: 'chat.completion.chunk', choices: [{ delta: { tool_calls: [{ id: 'call_1' }] } }] }) + 'data: [DONE]\n\n';
    expect(idOfStream('chat', stream)).toBe('chatcmpl-9');
  });

  it('then a Responses stream gives the response id from response.created, not an item id', () => {
    const event = (type: string, body: object): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
    const stream = event('response.created', { sequence_number: 0, response: { id: 'resp_7', status: 'in_progress' } })
      + event('response.output_item.added', { item: { id: 'msg_7' } });
    expect(idOfStream('responses', stream)).toBe('resp_7');
  });

  it('then a Responses stream cut before response.created still gives the id of its terminal event', () => {
    const stream = `data: ${JSON.stringify({ type: 'response.completed', response: { id: 'resp_8', usage: null } })}\n\n`;
    expect(idOfStream('responses', stream)).toBe('resp_8');
  });
});
