/**
 * Incremental Server-Sent Events splitter for relaying.
 *
 * The relay must write upstream bytes unchanged, so every event keeps its exact
 * raw bytes (terminating blank line included). Boundaries are found by a byte
 * scan that carries its state across chunks; only complete events are decoded,
 * so a multi-byte UTF-8 character split across chunks is never mis-decoded.
 *
 * Line endings per the WHATWG SSE spec: "\r\n", "\n" or "\r". One ambiguity
 * cannot be settled from the bytes at hand: a blank line ending in "\r" at the
 * very end of a chunk may be the first half of "\r\n". Such an event is held
 * until the next byte (or flush) decides, so that every way of chunking a
 * stream yields the same events. Real upstreams end events with "\n\n", so
 * this costs no latency in practice.
 */

const LF = 0x0a;
const CR = 0x0d;

export interface SseEvent {
  /** Exact bytes of the event including its terminating blank line. May share memory with a pushed chunk. */
  raw: Buffer;
  /** Value of the last `event:` field, if any. */
  event?: string;
  /** Data lines joined with "\n"; '' for comment-only or blank events. */
  data: string;
  /** Value of the last `id:` field, if any. */
  id?: string;
  /** Set only on the leftover returned by flush() that had no terminating blank line. */
  incomplete?: true;
}

/** One event grew past the splitter's limit: a faulty upstream (or an endless event) must not grow memory without bound. */
export class SseEventTooLarge extends Error {
  readonly code = 'BW_SSE_EVENT_TOO_LARGE';
  constructor(limit: number) {
    super(`an upstream SSE event exceeded ${limit} bytes`);
    this.name = 'SseEventTooLarge';
  }
}

export class SseSplitter {
  /** Bytes of the current, not yet complete event from earlier chunks. */
  #parts: Buffer[] = [];
  #partsBytes = 0;
  readonly #maxEventBytes: number;
  #atLineStart = true;
  #lastWasCr = false;
  /** A blank line ended with "\r" as the last byte seen: the next byte decides whether "\n" belongs to it. */
  #pendingCrBlank = false;
  #sawFirst = false;

  constructor(maxEventBytes = Number.POSITIVE_INFINITY) {
    this.#maxEventBytes = maxEventBytes;
  }

  push(chunk: Buffer): SseEvent[] {
    const events: SseEvent[] = [];
    const len = chunk.length;
    let start = 0;
    let i = 0;
    if (this.#pendingCrBlank && len > 0) {
      this.#pendingCrBlank = false;
      const end = chunk[0] === LF ? 1 : 0;
      events.push(this.#complete(chunk, 0, end));
      start = end;
      i = end;
    }
    if (!this.#lastWasCr && !this.#pendingCrBlank && chunk.indexOf(CR, i) === -1) {
      return this.#pushLfOnly(chunk, start, events);
    }
    for (; i < len; i++) {
      const b = chunk[i];
      if (b === LF) {
        if (this.#lastWasCr) {
          // second half of a "\r\n" whose "\r" already ended the line
          this.#lastWasCr = false;
          continue;
        }
        if (this.#atLineStart) {
          events.push(this.#complete(chunk, start, i + 1));
          start = i + 1;
        } else {
          this.#atLineStart = true;
        }
      } else if (b === CR) {
        if (this.#atLineStart) {
          if (i + 1 >= len) {
            this.#pendingCrBlank = true;
            break;
          }
          const end = chunk[i + 1] === LF ? i + 2 : i + 1;
          events.push(this.#complete(chunk, start, end));
          start = end;
          i = end - 1;
        } else {
          this.#atLineStart = true;
          this.#lastWasCr = true;
        }
      } else {
        this.#atLineStart = false;
        this.#lastWasCr = false;
      }
    }
    if (start < len) this.#keep(start === 0 ? chunk : chunk.subarray(start));
    return events;
  }

  /** Holds the start of an unfinished event, within the size limit. */
  #keep(part: Buffer): void {
    this.#partsBytes += part.length;
    if (this.#partsBytes > this.#maxEventBytes) throw new SseEventTooLarge(this.#maxEventBytes);
    this.#parts.push(part);
  }

  /** Fast path for the usual "\n"-only chunk: memchr-backed indexOf instead of a byte loop. */
  #pushLfOnly(chunk: Buffer, start: number, events: SseEvent[]): SseEvent[] {
    const len = chunk.length;
    let pos = start;
    while (pos < len) {
      const nl = chunk.indexOf(LF, pos);
      if (nl === -1) {
        this.#atLineStart = false;
        break;
      }
      if (nl === pos && this.#atLineStart) {
        events.push(this.#complete(chunk, start, nl + 1));
        start = nl + 1;
      } else {
        this.#atLineStart = true;
      }
      pos = nl + 1;
    }
    if (start < len) this.#keep(start === 0 ? chunk : chunk.subarray(start));
    return events;
  }

  /** The leftover at end of stream: a complete event held for a trailing "\r", or an incomplete one (marked). */
  flush(): SseEvent[] {
    if (this.#parts.length === 0) return [];
    const raw = this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts);
    const complete = this.#pendingCrBlank;
    this.#reset();
    const ev = this.#decode(raw);
    if (!complete) ev.incomplete = true;
    return [ev];
  }

  #complete(chunk: Buffer, start: number, end: number): SseEvent {
    if (this.#partsBytes + end - start > this.#maxEventBytes) throw new SseEventTooLarge(this.#maxEventBytes);
    let raw: Buffer;
    if (this.#parts.length === 0) {
      raw = chunk.subarray(start, end);
    } else {
      this.#parts.push(chunk.subarray(start, end));
      raw = Buffer.concat(this.#parts);
    }
    this.#reset();
    return this.#decode(raw);
  }

  #reset(): void {
    this.#parts = [];
    this.#partsBytes = 0;
    this.#atLineStart = true;
    this.#lastWasCr = false;
    this.#pendingCrBlank = false;
  }

  #decode(raw: Buffer): SseEvent {
    let text = raw.toString('utf8');
    if (!this.#sawFirst) {
      this.#sawFirst = true;
      // the spec strips one leading BOM from the stream
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return parseFields(raw, text);
  }
}

/** Field parsing per the SSE spec; `retry` and unknown fields are ignored. */
function parseFields(raw: Buffer, text: string): SseEvent {
  const ev: SseEvent = { raw, data: '' };
  let data: string | undefined;
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let eol = pos;
    while (eol < len) {
      const c = text.charCodeAt(eol);
      if (c === LF || c === CR) break;
      eol++;
    }
    if (eol > pos && text.charCodeAt(pos) !== 0x3a /* ':' comment */) {
      const colon = text.indexOf(':', pos);
      let name: string;
      let value: string;
      if (colon === -1 || colon > eol) {
        name = text.slice(pos, eol);
        value = '';
      } else {
        name = text.slice(pos, colon);
        const vStart = text.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1;
        value = vStart < eol ? text.slice(vStart, eol) : '';
      }
      if (name === 'data') data = data === undefined ? value : data + '\n' + value;
      else if (name === 'event') ev.event = value;
      else if (name === 'id' && !value.includes('\0')) ev.id = value;
    }
    pos = eol;
    if (pos < len) {
      pos++;
      if (text.charCodeAt(eol) === CR && pos < len && text.charCodeAt(pos) === LF) pos++;
    }
  }
  if (data !== undefined) ev.data = data;
  return ev;
}
