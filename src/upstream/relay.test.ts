import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecordingResponse, testContext } from '../../test/helpers/context.ts';
import type { RequestContext } from '../pipeline/context.js';
import type { AnswerEnd, ResponseTap } from '../pipeline/taps.js';
import { relay } from './relay.js';

const options = { signal: new AbortController().signal, idleMs: 30_000, maxEventBytes: 1024 * 1024 };

function body(chunks: string[], error?: Error): Readable {
  return Readable.from((async function* () {
    for (const chunk of chunks) yield Buffer.from(chunk);
    if (error !== undefined) throw error;
  })());
}

/** A tap that records what it saw, and drops events whose data is `drop-me`. */
function recordingTap(): { tap: ResponseTap; seen: string[]; ends: AnswerEnd[] } {
  const seen: string[] = [];
  const ends: AnswerEnd[] = [];
  return {
    seen,
    ends,
    tap: {
      onEvent: (event) => {
        seen.push(event.data);
        return event.data !== 'drop-me';
      },
      onChunk: (chunk) => void seen.push(chunk.toString()),
      onEnd: (end) => void ends.push(end),
    },
  };
}

function streaming(): RequestContext & { res: RecordingResponse } {
  const ctx = testContext();
  ctx.reply.committed = true;
  return ctx;
}

describe('the relay', () => {
  it('passes a stream event by event to the client and the taps; a tap can drop an event for both the client and later taps', async () => {
    const ctx = streaming();
    const first = recordingTap();
    const second = recordingTap();
    ctx.taps.push(first.tap, second.tap);
    const end = await relay(ctx, body(['data: {"a":1}\n\ndata: drop', '-me\n\ndata: [DONE]\n\n']), { ...options, stream: true });
    expect(ctx.res.text).toBe('data: {"a":1}\n\ndata: [DONE]\n\n');
    expect(first.seen).toEqual(['{"a":1}', 'drop-me', '[DONE]']);
    expect(second.seen).toEqual(['{"a":1}', '[DONE]']);
    expect(end).toEqual({ complete: true, streamOutcome: 'completed', errorClass: undefined });
    expect(second.ends).toEqual([end]);
    expect(ctx.stream.outcome).toBe('completed');
    expect(ctx.stream.firstByteMs).toBeGreaterThan(0);
  });

  it('never passes a stream cut before its terminal event off as a clean end: the client gets the error event', async () => {
    const ctx = streaming();
    const end = await relay(ctx, body(['data: {"a":1}\n\ndata: {"b"']), { ...options, stream: true });
    expect(end).toMatchObject({ complete: false, streamOutcome: 'upstream_truncated', errorClass: 'network' });
    expect(ctx.res.text.startsWith('data: {"a":1}\n\n\n\nevent: error\ndata: ')).toBe(true);
    expect(ctx.res.text).toContain('"code":"upstream_truncated"');
    expect(ctx.res.text).not.toContain('{"b"');
    expect(ctx.reply.errorClass).toBe('network');
  });

  it('ends a stream whose upstream sent its own error event without adding one', async () => {
    const ctx = streaming();
    const end = await relay(ctx, body(['data: {"error":{"message":"overloaded"}}\n\n']), { ...options, stream: true });
    expect(end).toMatchObject({ streamOutcome: 'upstream_error', errorClass: 'upstream_5xx' });
    expect(ctx.res.text).toBe('data: {"error":{"message":"overloaded"}}\n\n');
  });

  it('relays a whole body chunk by chunk to the client and the taps', async () => {
    const ctx = testContext();
    const tap = recordingTap();
    ctx.taps.push(tap.tap);
    const end = await relay(ctx, body(['{"id":', '"x"}']), { ...options, stream: false });
    expect(end).toEqual({ complete: true, streamOutcome: undefined, errorClass: undefined });
    expect(ctx.res.text).toBe('{"id":"x"}');
    expect(tap.seen).toEqual(['{"id":', '"x"}']);
  });

  it('drops the connection of a whole body cut mid-way, so it never looks complete', async () => {
    const ctx = testContext();
    const end = await relay(ctx, body(['{"id":'], Object.assign(new Error('reset'), { code: 'ECONNRESET' })), { ...options, stream: false });
    expect(end).toMatchObject({ complete: false, errorClass: 'network' });
    expect(ctx.res.destroyed).toBe(true);
  });

  it('reads an answer to its end, tapping it, when its client is gone (onClientDisconnect: finish)', async () => {
    const ctx = streaming();
    const tap = recordingTap();
    ctx.taps.push(tap.tap);
    ctx.res.destroy();
    const end = await relay(ctx, body(['data: {"a":1}\n\n', 'data: [DONE]\n\n']), { ...options, stream: true });
    expect(end).toMatchObject({ complete: true, streamOutcome: 'completed' });
    expect(tap.seen).toEqual(['{"a":1}', '[DONE]']);
    expect(ctx.stream.clientLeft).toBe(true);
    expect(ctx.res.text).toBe('');
  });

  it('waits for a slow client (backpressure) instead of buffering the stream', async () => {
    const res = new RecordingResponse({ slow: true, highWaterMark: 4 });
    const ctx = testContext({ res });
    ctx.reply.committed = true;
    let drains = 0;
    res.on('drain', () => (drains += 1));
    await relay(ctx, body(['data: 0123456789\n\n', 'data: 0123456789\n\n', 'data: [DONE]\n\n']), { ...options, stream: true });
    await new Promise((resolve) => res.once('finish', resolve));
    expect(drains).toBeGreaterThan(0);
    expect(res.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
