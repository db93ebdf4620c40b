import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { classifyThrown } from '../errors/classify.js';
import type { ErrorClass } from '../errors/classes.js';
import { ERROR_CLASSES } from '../errors/classes.js';
import { AttemptTimeout, DeadlineExceeded, IdleTimer } from '../resilience/deadlines.js';
import type { RequestContext, StreamOutcome } from '../pipeline/context.js';
import { createStreamUsageReader } from '../usage/stream-usage.js';
import { TopLevelFields } from '../usage/json-fields.js';
import { usageFromJson } from '../usage/extract.js';
import { responseTextFromJson } from '../usage/response-text.js';
import { SseSplitter } from './sse.js';
import type { UpstreamResponse } from './pools.js';

/**
 * A non-stream answer without usage has its output tokens estimated from its text, which needs the
 * whole body: kept only up to this size. Usage itself is read from any size as the bytes pass.
 */
const TEXT_FALLBACK_CAP = 256 * 1024;

export interface RelayOptions {
  /** We added `stream_options.include_usage`; the usage-only chunk must not reach the client. */
  readonly stripInjectedUsage: boolean;
  readonly signal: AbortSignal;
  /** Longest gap between two upstream chunks (the stream idle timeout). */
  readonly idleMs: number;
  /** Largest single SSE event kept while it is incomplete. */
  readonly maxEventBytes: number;
}

/**
 * Relays a committed upstream body to the client, chunk by chunk with backpressure, reading usage
 * on the way. Never throws: a failure after the commit point ends the answer and is recorded.
 */
export async function relayBody(ctx: RequestContext, response: UpstreamResponse, body: Readable, options: RelayOptions): Promise<void> {
  const contentType = response.headers['content-type'];
  const isStream = typeof contentType === 'string' && contentType.includes('text/event-stream');
  if (isStream && ctx.operation !== undefined) await relayStream(ctx, body, options);
  else await relayWhole(ctx, body, options);
}

async function relayStream(ctx: RequestContext, body: Readable, options: RelayOptions): Promise<void> {
  const { res, result } = ctx;
  const splitter = new SseSplitter(options.maxEventBytes);
  const reader = createStreamUsageReader(ctx.operation!, { stripInjectedUsage: options.stripInjectedUsage, collectText: true });
  let outcome: StreamOutcome;
  let failure: ErrorClass | undefined;
  // The upstream's own error event already told the client; every other failure needs ours.
  let clientTold = false;
  const idle = idleTimer(body, options.idleMs);
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      idle.touch();
      const out = keptBytes(splitter.push(chunk), reader);
      if (out !== undefined) await write(ctx, res, out, options.signal, idle);
    }
    const tail = keptBytes(splitter.flush(), reader);
    if (tail !== undefined) await write(ctx, res, tail, options.signal, idle);
    if (reader.upstreamError) {
      outcome = 'upstream_error';
      failure = 'upstream_5xx';
      clientTold = true;
    } else if (reader.sawTerminal) {
      outcome = 'completed';
    } else {
      outcome = 'upstream_truncated';
      failure = 'network';
    }
  } catch (error) {
    const reason = options.signal.aborted ? (options.signal.reason as unknown) : error;
    failure = classifyThrown(reason);
    if (failure === 'client_closed') outcome = 'client_cancelled';
    // The request's total deadline is not the upstream going idle; no closer outcome label exists.
    else if (failure === 'timeout') outcome = reason instanceof DeadlineExceeded ? 'upstream_error' : 'idle_timeout';
    else outcome = 'upstream_truncated';
  } finally {
    idle.clear();
  }
  result.usage = reader.usage;
  result.responseModel = reader.responseModel;
  result.responseId = reader.responseId;
  result.deliveredText = reader.deliveredText;
  result.streamOutcome = outcome;
  if (failure !== undefined) {
    result.errorClass = failure;
    if (outcome !== 'client_cancelled' && !clientTold) writeStreamError(res, failure, outcome);
  }
  if (!res.destroyed) res.end();
}

/** Bytes of this chunk's complete events that go to the client. */
function keptBytes(events: ReturnType<SseSplitter['push']>, reader: ReturnType<typeof createStreamUsageReader>): Buffer | undefined {
  if (events.length === 0) return undefined;
  // Whole events only: an unterminated event at the end of a cut stream is dropped (SSE clients discard
  // it at EOF anyway), so half a JSON payload never lands right before our error event.
  if (events.length === 1) return !events[0]!.incomplete && reader.onEvent(events[0]!) ? events[0]!.raw : undefined;
  const kept: Buffer[] = [];
  for (const event of events) if (!event.incomplete && reader.onEvent(event)) kept.push(event.raw);
  return kept.length === 0 ? undefined : Buffer.concat(kept);
}

async function relayWhole(ctx: RequestContext, body: Readable, options: RelayOptions): Promise<void> {
  const { res, result } = ctx;
  const fields = ctx.operation === undefined ? undefined : new TopLevelFields(['usage', 'model', 'id']);
  const kept: Buffer[] = [];
  let size = 0;
  // No idle timer of our own here: a whole (non-stream) body has no token cadence to guard, and
  // undici's bodyTimeout (= idleMs) cuts a stalled one; one timer less per request on the hot path.
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      fields?.push(chunk);
      size += chunk.length;
      if (size <= TEXT_FALLBACK_CAP) kept.push(chunk);
      await write(ctx, res, chunk, options.signal, undefined);
    }
  } catch (error) {
    const reason = options.signal.aborted ? (options.signal.reason as unknown) : error;
    result.errorClass = classifyThrown(reason);
    // A cut JSON body must not look complete: drop the connection instead of ending cleanly.
    res.destroy();
    return;
  }
  res.end();
  if (fields === undefined || ctx.operation === undefined) return;
  const usage = fields.get('usage');
  result.usage = usage === undefined ? undefined : usageFromJson(ctx.operation, { usage });
  const model = fields.get('model');
  result.responseModel = typeof model === 'string' && model !== '' ? model : undefined;
  const id = fields.get('id');
  result.responseId = typeof id === 'string' && id !== '' ? id : undefined;
  if (result.usage === undefined && size > 0 && size <= TEXT_FALLBACK_CAP) {
    try {
      result.deliveredText = responseTextFromJson(JSON.parse(Buffer.concat(kept, size).toString('utf8')));
    } catch {
      // Not JSON: nothing to estimate from.
    }
  }
}

/** Cuts the upstream body when it goes quiet; the error it is destroyed with classifies as `timeout`. */
function idleTimer(body: Readable, idleMs: number): IdleTimer {
  return new IdleTimer(idleMs, () => body.destroy(new AttemptTimeout('idle', idleMs)));
}

async function write(ctx: RequestContext, res: ServerResponse, bytes: Buffer, signal: AbortSignal, idle: IdleTimer | undefined): Promise<void> {
  if (ctx.result.firstByteMs === undefined) ctx.result.firstByteMs = performance.now() - ctx.startedAt;
  if (res.write(bytes)) return;
  idle?.pause();
  try {
    await once(res, 'drain', { signal });
  } finally {
    idle?.resume();
  }
}

const STREAM_ERROR_MESSAGES: Record<StreamOutcome, string> = {
  completed: '',
  client_cancelled: '',
  idle_timeout: 'upstream stream went idle and was cut by the gateway',
  upstream_truncated: 'upstream stream ended before its terminal event',
  upstream_error: 'request deadline passed before the upstream stream ended',
};

function writeStreamError(res: ServerResponse, errorClass: ErrorClass, outcome: StreamOutcome): void {
  if (res.destroyed || res.writableEnded) return;
  const body = { error: { message: STREAM_ERROR_MESSAGES[outcome], type: ERROR_CLASSES[errorClass].type, code: outcome === 'upstream_error' ? errorClass : outcome, param: null } };
  res.write(`\n\nevent: error\ndata: ${JSON.stringify(body)}\n\n`);
}
