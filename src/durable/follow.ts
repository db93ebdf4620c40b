import { ClientClosed } from '../errors/client-closed.js';
import type { RequestContext } from '../pipeline/context.js';
import { answerStored, commitHead, failCommitted } from '../server/reply.js';
import type { AnswerRecording } from './recording-tap.js';

/**
 * Serves a repeat from the recording of the same call running on this replica: a whole answer once
 * it ended, a stream as the events so far and then the rest as they come. Resolves true when it
 * answered, false when the call failed before its answer could be used (the repeat then runs the
 * call itself: failures are never replayed).
 */
export async function followRecording(ctx: RequestContext, recording: AnswerRecording): Promise<boolean> {
  while (!recording.headed && recording.end === undefined) await changed(recording, ctx.clientSignal);
  if (!recording.headed) return false;
  if (!isEventStream(recording.contentType)) {
    while (recording.end === undefined) await changed(recording, ctx.clientSignal);
    if (!recording.storable) return false;
    answerStored(ctx, recording.status, recording.contentType, recording.body());
    return true;
  }
  commitHead(ctx, recording.status, recording.contentType === undefined ? {} : { 'content-type': recording.contentType });
  let sent = 0;
  while (!recording.overflowed) {
    while (sent < recording.chunks.length) await writeOut(ctx, recording.chunks[sent++]!);
    if (recording.end !== undefined) break;
    await changed(recording, ctx.clientSignal);
  }
  if (recording.storable) {
    if (!ctx.res.destroyed) ctx.res.end();
  } else {
    failCommitted(ctx, recording.end?.errorClass ?? 'network', {
      stream: true,
      tell: true,
      code: 'upstream_truncated',
      message: 'the call this request joined (same Idempotency-Key) ended before its answer was complete',
    });
  }
  return true;
}

export function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.includes('text/event-stream');
}

/** The recording moved on; rejects when this request's own client went away. */
function changed(recording: AnswerRecording, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<void>((resolve, reject) => {
    const gone = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', gone, { once: true });
    void recording.changed().then(() => {
      signal.removeEventListener('abort', gone);
      resolve();
    });
  });
}

/** Writes with backpressure; a client gone ends the following. */
async function writeOut(ctx: RequestContext, bytes: Buffer): Promise<void> {
  const { res } = ctx;
  if (res.destroyed || res.writableEnded) throw new ClientClosed();
  if (res.write(bytes)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
