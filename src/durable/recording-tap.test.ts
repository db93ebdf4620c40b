import { describe, expect, it } from 'vitest';
import { AnswerRecording } from './recording-tap.ts';

const COMPLETE = { complete: true, streamOutcome: 'completed' as const, errorClass: undefined };

describe('when a recording tap sees an answer', () => {
  it('then a complete 2xx answer is storable, its bytes in order', () => {
    const recording = new AnswerRecording(1_000);
    const tap = recording.tap();
    tap.onHeaders?.(200, { 'content-type': 'text/event-stream' });
    tap.onEvent?.({ raw: Buffer.from('data: 1\n\n'), data: '1' });
    tap.onEvent?.({ raw: Buffer.from('data: [DONE]\n\n'), data: '[DONE]' });
    tap.onEnd?.(COMPLETE);
    expect(recording.storable).toBe(true);
    expect(recording.contentType).toBe('text/event-stream');
    expect(recording.body().toString()).toBe('data: 1\n\ndata: [DONE]\n\n');
  });

  it('then a cut answer, or one past its byte bound, is not storable', () => {
    const cut = new AnswerRecording(1_000);
    cut.tap().onHeaders?.(200, {});
    cut.tap().onEnd?.({ complete: false, streamOutcome: 'upstream_truncated', errorClass: 'network' });
    expect(cut.storable).toBe(false);

    const large = new AnswerRecording(8);
    large.tap().onHeaders?.(200, {});
    large.tap().onChunk?.(Buffer.from('0123456789'));
    large.tap().onEnd?.({ complete: true, streamOutcome: undefined, errorClass: undefined });
    expect(large.overflowed).toBe(true);
    expect(large.bytes).toBe(0);
    expect(large.storable).toBe(false);
  });

  it('then followers waiting on it wake at each change, and a call that never answered ends it', async () => {
    const recording = new AnswerRecording(1_000);
    const woke = recording.changed();
    recording.fail();
    await woke;
    expect(recording.headed).toBe(false);
    expect(recording.end?.complete).toBe(false);
  });
});
