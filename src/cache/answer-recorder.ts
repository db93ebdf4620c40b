import type { OutgoingHttpHeaders } from 'node:http';
import { isUtf8 } from 'node:buffer';
import type { AnswerEnd, ResponseTap } from '../pipeline/taps.js';
import type { SseEvent } from '../upstream/sse.js';

/** An answer as the client got it: enough to give it again, byte for byte. */
export interface RecordedAnswer {
  readonly status: number;
  readonly contentType: string;
  /** A stream's SSE events (its terminal event included), or the whole body. */
  readonly body: string;
}

/**
 * A tap that records a committed answer as the client gets it: a stream's events after the taps
 * before it (a usage chunk the gateway asked for and hid stays hidden), a whole body's chunks.
 * `answer()` gives it only when it is worth giving again: complete (a stream reached its terminal
 * event), 2xx, not over `maxBytes` and text. It keeps the bytes by reference and copies them once,
 * at the end; past `maxBytes` it lets go of them and keeps nothing more.
 */
export class AnswerRecorder implements ResponseTap {
  private status = 0;
  private contentType = 'application/json';
  private parts: Buffer[] = [];
  private size = 0;
  private tooLarge = false;
  private complete = false;

  constructor(private readonly maxBytes: number) {}

  onHeaders(status: number, headers: Readonly<OutgoingHttpHeaders>): void {
    this.status = status;
    const type = headers['content-type'];
    if (typeof type === 'string') this.contentType = type;
  }

  onEvent(event: SseEvent): void {
    this.keep(event.raw);
  }

  onChunk(chunk: Buffer): void {
    this.keep(chunk);
  }

  onEnd(end: AnswerEnd): void {
    this.complete = end.complete;
  }

  answer(): RecordedAnswer | undefined {
    if (!this.complete || this.tooLarge || this.status < 200 || this.status >= 300) return undefined;
    const body = Buffer.concat(this.parts, this.size);
    if (!isUtf8(body)) return undefined;
    return { status: this.status, contentType: this.contentType, body: body.toString('utf8') };
  }

  private keep(bytes: Buffer): void {
    if (this.tooLarge) return;
    this.size += bytes.length;
    if (this.size <= this.maxBytes) return void this.parts.push(bytes);
    this.tooLarge = true;
    this.parts = [];
  }
}
