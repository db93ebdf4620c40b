import { describe, expect, it } from 'vitest';
import { SseSplitter } from '../upstream/sse.js';
import { createStreamUsageReader } from './stream-usage.js';

/** What the client receives: the raw bytes of every forwarded event. */
function relayed(text: string, stripInjectedUsage: boolean): string {
  const reader = createStreamUsageReader('chat', { stripInjectedUsage, collectText: false });
  const splitter = new SseSplitter();
  return [...splitter.push(Buffer.from(text)), ...splitter.flush()].filter((ev) => reader.onEvent(ev)).map((ev) => ev.raw.toString()).join('');
}

const asked = [
  'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":null}',
  'data: {"id":"c1","choices":[{"index":0,"delta":{"content":" \\"usage\\":null, kept"}}], "usage" : null }',
  'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}',
  'data: [DONE]',
].map((l) => `${l}\n\n`).join('');

describe('createStreamUsageReader: the "usage":null field a provider adds once usage is asked for', () => {
  it('is removed from every chunk when the gateway asked for usage on the client\'s behalf', () => {
    expect(relayed(asked, true)).toBe([
      'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"}}]}',
      'data: {"id":"c1","choices":[{"index":0,"delta":{"content":" \\"usage\\":null, kept"}}] }',
      'data: [DONE]',
    ].map((l) => `${l}\n\n`).join(''));
  });

  it('is left alone when the client asked for usage itself', () => {
    expect(relayed(asked, false)).toBe(asked);
  });
});
