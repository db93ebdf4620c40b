import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';

/**
 * Where a detached call's answer goes once its client has its 202: enough of a ServerResponse for
 * the one writer of answers (`reply.ts`) and the relay (head, body with backpressure, end, destroy),
 * keeping the status, headers and body (up to `maxBytes`) for the call's record. Destroying it is
 * the call cancelled: the request's `clientSignal` follows it.
 */
export class SinkResponse extends Writable {
  statusCode = 0;
  headersSent = false;
  headers: OutgoingHttpHeaders = {};
  overflowed = false;
  readonly #parts: Buffer[] = [];
  #bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  /** As the relay and `reply.ts` see it. */
  asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }

  writeHead(status: number, headers: OutgoingHttpHeaders = {}): this {
    this.statusCode = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (!this.overflowed) {
      if (this.#bytes + chunk.length > this.maxBytes) {
        this.overflowed = true;
        this.#parts.length = 0;
      } else {
        this.#parts.push(Buffer.from(chunk));
        this.#bytes += chunk.length;
      }
    }
    done();
  }

  body(): Buffer {
    return Buffer.concat(this.#parts);
  }
}
