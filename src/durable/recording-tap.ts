import type { OutgoingHttpHeaders } from 'node:http';
import type { AnswerEnd, ResponseTap } from '../pipeline/taps.js';

/** How a recording that never got an answer ended (the call failed before its commit point). */
const UNANSWERED: AnswerEnd = Object.freeze({ complete: false, streamOutcome: undefined, errorClass: undefined });

/**
 * The committed answer of one call as its client gets it: status, content type, the bytes (whole SSE
 * events of a stream, after the taps before it hid what the client does not see) and how it ended.
 * Repeats of the call on this replica follow it live (`changed()`); the idempotency stage stores it
 * once it ended complete. Bounded: past `maxBytes` nothing more is kept and it can no longer be
 * stored or followed to its end.
 */
export class AnswerRecording {
  status = 0;
  contentType: string | undefined;
  readonly chunks: Buffer[] = [];
  bytes = 0;
  overflowed = false;
  end: AnswerEnd | undefined;
  #wake: Array<() => void> = [];

  constructor(private readonly maxBytes: number) {}

  /** The answer's head is known (the call committed). */
  get headed(): boolean {
    return this.status !== 0;
  }

  /** Ended complete and 2xx, and all of it was kept: worth storing and replaying. */
  get storable(): boolean {
    return this.end?.complete === true && !this.overflowed && this.status >= 200 && this.status < 300;
  }

  /** Resolves at the next change: the head, more bytes, or the end. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#wake.push(resolve));
  }

  tap(): ResponseTap {
    return {
      onHeaders: (status: number, headers: Readonly<OutgoingHttpHeaders>) => {
        this.status = status;
        const contentType = headers['content-type'];
        this.contentType = typeof contentType === 'string' ? contentType : undefined;
        this.#notify();
      },
      onEvent: (event) => {
        this.#keep(event.raw);
      },
      onChunk: (chunk: Buffer) => this.#keep(chunk),
      onEnd: (end: AnswerEnd) => {
        this.end = end;
        this.#notify();
      },
    };
  }

  /** A stored answer, served to this replica's own repeats the same way as a live one. */
  fill(status: number, contentType: string | undefined, body: Buffer): void {
    this.status = status;
    this.contentType = contentType;
    this.#keep(body);
    this.end = { complete: true, streamOutcome: undefined, errorClass: undefined };
    this.#notify();
  }

  /** No answer will come from here; followers run the call again. */
  fail(): void {
    this.end ??= UNANSWERED;
    this.#notify();
  }

  body(): Buffer {
    return Buffer.concat(this.chunks, this.bytes);
  }

  #keep(bytes: Buffer): void {
    if (this.overflowed) return;
    if (this.bytes + bytes.length > this.maxBytes) {
      this.overflowed = true;
      this.chunks.length = 0;
      this.bytes = 0;
    } else {
      this.chunks.push(bytes);
      this.bytes += bytes.length;
    }
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    if (wake.length === 0) return;
    this.#wake = [];
    for (const resolve of wake) resolve();
  }
}
