import type { ServerResponse } from 'node:http';
import type { ConsoleData } from './snapshot.js';

/** Rows a stream gets per update at most (the page shows fewer). */
const ROWS_PER_UPDATE = 100;
/** A reader this far behind (bytes queued in its socket) is cut; its browser reconnects. */
const MAX_QUEUED_BYTES = 1024 * 1024;

interface Reader {
  readonly res: ServerResponse;
  /** Re-checked every update: a session that expired or signed out ends the stream. */
  readonly stillAllowed: () => boolean;
  afterSeq: number;
}

/**
 * The console's live updates: server-sent events, one `snapshot` event per second to each open
 * page, from one shared build of the state. The timer runs only while a page is open; pages are
 * capped (`console.maxStreams`), a slow one is cut instead of buffered, and a closed one is forgotten.
 */
export class LiveStreams {
  private readonly readers = new Set<Reader>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly data: ConsoleData, private readonly maxReaders: number, private readonly onError: (error: unknown) => void, private readonly intervalMs = 1_000) {}

  get open(): number {
    return this.readers.size;
  }

  /** Starts a stream on `res` with a `hello` event; false when `maxReaders` are already open (nothing is written then). */
  add(res: ServerResponse, stillAllowed: () => boolean, hello: object): boolean {
    if (this.readers.size >= this.maxReaders) return false;
    const reader: Reader = { res, stillAllowed, afterSeq: 0 };
    this.readers.add(reader);
    res.once('close', () => this.remove(reader));
    res.socket?.setNoDelay(true);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff' });
    res.write(`retry: 2000\n\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`);
    this.timer ??= setInterval(() => void this.update(), this.intervalMs).unref();
    void this.update();
    return true;
  }

  /** Ends every stream and the timer (at stop). */
  close(): void {
    for (const reader of this.readers) reader.res.end();
    this.readers.clear();
    this.stopTimer();
  }

  private remove(reader: Reader): void {
    this.readers.delete(reader);
    if (this.readers.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One update for every reader; skipped while the previous one still waits on shared state. */
  private async update(): Promise<void> {
    if (this.busy || this.readers.size === 0) return;
    this.busy = true;
    try {
      const state = await this.data.state();
      for (const reader of this.readers) this.send(reader, state);
    } catch (error) {
      this.onError(error);
    } finally {
      this.busy = false;
    }
  }

  private send(reader: Reader, state: object): void {
    const { res } = reader;
    if (res.destroyed || res.writableEnded) return this.remove(reader);
    if (!reader.stillAllowed()) {
      res.end('event: signed-out\ndata: {}\n\n');
      return this.remove(reader);
    }
    if (res.writableLength > MAX_QUEUED_BYTES) {
      res.destroy();
      return this.remove(reader);
    }
    const requests = this.data.rowsAfter(reader.afterSeq, ROWS_PER_UPDATE);
    reader.afterSeq = this.data.lastSeq;
    res.write(`event: snapshot\ndata: ${JSON.stringify({ ...state, requests })}\n\n`);
  }
}
