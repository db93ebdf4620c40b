import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { StreamEndWatcher } from '../api/wire-api.js';
import { classifyThrown } from '../errors/classify.js';
import type { ErrorClass } from '../errors/classes.js';
import type { RequestContext, StreamOutcome } from '../pipeline/context.js';
import { tapChunk, tapEnd, tapEvent, type AnswerEnd } from '../pipeline/taps.js';
import { AttemptTimeout, DeadlineExceeded, IdleTimer } from '../resilience/deadlines.js';
import { failCommitted, recordFailure } from '../server/reply.js';
import { SseSplitter, type SseEvent } from './sse.js';

export interface RelayOptions {
  /** A stream (SSE, split into events) or a whole body (chunks). */
  readonly stream: boolean;
  readonly signal: AbortSignal;
  /** Longest gap between two upstream chunks of a stream (the stream idle timeout). */
  readonly idleMs: number;
  /** Largest single SSE event held while it is incomplete. */
  readonly maxEventBytes: number;
}

/**
 * Relays a committed upstream body to the client, chunk by chunk with backpressure, feeding the
 * request's taps on the way; knows none of them. Never throws: a failure after the commit point ends
 * the answer (`server/reply.ts` tells the client) and is what it resolves with.
 */
export async function relay(ctx: RequestContext, body: Readable, options: RelayOptions): Promise<AnswerEnd> {
  const end = options.stream ? await relayStream(ctx, body, options) : await relayWhole(ctx, body, options);
  ctx.stream.outcome = end.streamOutcome;
  tapEnd(ctx.taps, end);
  return end;
}

const STREAM_ERROR_MESSAGES: Record<StreamOutcome, string> = {
  completed: '',
  client_cancelled: '',
  idle_timeout: 'upstream stream went idle and was cut by the gateway',
  upstream_truncated: 'upstream stream ended before its terminal event',
  upstream_error: 'request deadline passed before the upstream stream ended',
};

async function relayStream(ctx: RequestContext, body: Readable, options: RelayOptions): Promise<AnswerEnd> {
  const splitter = new SseSplitter(options.maxEventBytes);
  const watcher = ctx.api.streamEnd(ctx.operation!);
  const idle = new IdleTimer(options.idleMs, () => body.destroy(new AttemptTimeout('idle', options.idleMs)));
  let failure: { errorClass: ErrorClass; outcome: StreamOutcome } | undefined;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      idle.touch();
      const out = passed(ctx, splitter.push(chunk), watcher);
      if (out !== undefined) await write(ctx, out, options.signal, idle);
    }
    const tail = passed(ctx, splitter.flush(), watcher);
    if (tail !== undefined) await write(ctx, tail, options.signal, idle);
  } catch (error) {
    const reason = options.signal.aborted ? (options.signal.reason as unknown) : error;
    const errorClass = classifyThrown(reason);
    // The request's total deadline is not the upstream going idle; no closer outcome label exists.
    const outcome = errorClass === 'client_closed' ? 'client_cancelled' : errorClass === 'timeout' ? (reason instanceof DeadlineExceeded ? 'upstream_error' : 'idle_timeout') : 'upstream_truncated';
    failure = { errorClass, outcome };
  } finally {
    idle.clear();
  }
  if (failure === undefined && watcher.state === 'completed') {
    if (!ctx.res.destroyed) ctx.res.end();
    return { complete: true, streamOutcome: 'completed', errorClass: undefined };
  }
  if (failure === undefined && watcher.state === 'failed') {
    // The upstream's own error event already told the client.
    failCommitted(ctx, 'upstream_5xx', { stream: true, tell: false });
    return { complete: false, streamOutcome: 'upstream_error', errorClass: 'upstream_5xx' };
  }
  const { errorClass, outcome } = failure ?? { errorClass: 'network', outcome: 'upstream_truncated' };
  if (outcome === 'client_cancelled') {
    recordFailure(ctx, errorClass);
    if (!ctx.res.destroyed) ctx.res.end();
  } else {
    failCommitted(ctx, errorClass, { stream: true, tell: true, code: outcome === 'upstream_error' ? errorClass : outcome, message: STREAM_ERROR_MESSAGES[outcome] });
  }
  return { complete: false, streamOutcome: outcome, errorClass };
}

/** Bytes of these whole events that go to the client, after the taps (which may drop or rewrite one). */
function passed(ctx: RequestContext, events: SseEvent[], watcher: StreamEndWatcher): Buffer | undefined {
  if (events.length === 0) return undefined;
  // Whole events only: an unterminated event at the end of a cut stream is dropped (SSE clients discard
  // it at EOF anyway), so half a JSON payload never lands right before the error event.
  if (events.length === 1) {
    const event = events[0]!;
    watcher.see(event);
    return event.incomplete !== true && tapEvent(ctx.taps, event) ? event.raw : undefined;
  }
  const kept: Buffer[] = [];
  for (const event of events) {
    watcher.see(event);
    if (event.incomplete !== true && tapEvent(ctx.taps, event)) kept.push(event.raw);
  }
  return kept.length === 0 ? undefined : Buffer.concat(kept);
}

async function relayWhole(ctx: RequestContext, body: Readable, options: RelayOptions): Promise<AnswerEnd> {
  // No idle timer of our own here: a whole (non-stream) body has no token cadence to guard, and
  // undici's bodyTimeout (= idleMs) cuts a stalled one; one timer less per request on the hot path.
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      tapChunk(ctx.taps, chunk);
      await write(ctx, chunk, options.signal, undefined);
    }
  } catch (error) {
    const errorClass = classifyThrown(options.signal.aborted ? (options.signal.reason as unknown) : error);
    // A cut JSON body must not look complete: the connection is dropped instead of ended cleanly.
    failCommitted(ctx, errorClass, { stream: false, tell: false });
    return { complete: false, streamOutcome: undefined, errorClass };
  }
  ctx.res.end();
  return { complete: true, streamOutcome: undefined, errorClass: undefined };
}

async function write(ctx: RequestContext, bytes: Buffer, signal: AbortSignal, idle: IdleTimer | undefined): Promise<void> {
  const { res } = ctx;
  if (res.destroyed || res.writableEnded) {
    // Only with `onClientDisconnect: finish` does the answer go on without its client: read, tapped, not written.
    ctx.stream.clientLeft = true;
    return;
  }
  ctx.stream.firstByteMs ??= performance.now() - ctx.startedAt;
  if (res.write(bytes)) return;
  idle?.pause();
  try {
    await drainedOrGone(res, signal);
  } finally {
    idle?.resume();
  }
}

/** The client read what was waiting, or went away (then the next write finds it gone); rejects when the signal aborts. */
function drainedOrGone(res: RequestContext['res'], signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (): void => {
      res.off('drain', done);
      res.off('close', done);
      signal.removeEventListener('abort', aborted);
    };
    const done = (): void => {
      settle();
      resolve();
    };
    const aborted = (): void => {
      settle();
      reject(signal.reason);
    };
    if (signal.aborted) return aborted();
    res.once('drain', done);
    res.once('close', done);
    signal.addEventListener('abort', aborted, { once: true });
  });
}
