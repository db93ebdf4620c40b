import type { OutgoingHttpHeaders } from 'node:http';
import type { ErrorClass } from '../errors/classes.js';
import type { SseEvent } from '../upstream/sse.js';
import type { StreamOutcome } from './context.js';

/** How a committed answer ended, as its taps learn it. */
export interface AnswerEnd {
  /** The answer reached its end as the upstream sent it (a stream: its terminal event). */
  readonly complete: boolean;
  /** A stream's outcome; undefined for a whole body. */
  readonly streamOutcome: StreamOutcome | undefined;
  /** Why it did not complete. */
  readonly errorClass: ErrorClass | undefined;
}

/**
 * An observer of the committed answer: a stage that needs to see or keep an answer (usage, stored
 * answers, runs, idempotency, cache, console) adds one to `ctx.taps` before calling `next()`; the
 * relay feeds every tap and knows none of them. Taps run in order, synchronously, and keep only what
 * they need (a chunk or an event is not copied for a tap that does not keep it).
 */
export interface ResponseTap {
  /** The committed status and the headers the client gets. */
  onHeaders?(status: number, headers: Readonly<OutgoingHttpHeaders>): void;
  /**
   * One whole SSE event of a streamed answer, as the client will get it. Return false to drop it:
   * the client and the taps after this one never see it (the usage tap hides the usage chunk the
   * gateway asked for). A tap may replace `event.raw` (the same event, re-encoded).
   */
  onEvent?(event: SseEvent): boolean | void;
  /** One chunk of a whole (non-stream) body, as it goes to the client. */
  onChunk?(chunk: Buffer): void;
  /** The answer ended (also when it was cut). */
  onEnd?(end: AnswerEnd): void;
}

export function tapHeaders(taps: readonly ResponseTap[], status: number, headers: Readonly<OutgoingHttpHeaders>): void {
  for (const tap of taps) tap.onHeaders?.(status, headers);
}

/** Feeds one event through the taps; false when a tap dropped it. */
export function tapEvent(taps: readonly ResponseTap[], event: SseEvent): boolean {
  for (const tap of taps) if (tap.onEvent?.(event) === false) return false;
  return true;
}

export function tapChunk(taps: readonly ResponseTap[], chunk: Buffer): void {
  for (const tap of taps) tap.onChunk?.(chunk);
}

export function tapEnd(taps: readonly ResponseTap[], end: AnswerEnd): void {
  for (const tap of taps) tap.onEnd?.(end);
}
