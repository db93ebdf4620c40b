/**
 * Picks a few top-level fields (`usage`, `model`, `id`) out of a JSON object as its bytes stream
 * past, without parsing or keeping the rest. An embeddings answer for 2,048 inputs puts `usage`
 * after ~30 MB of vectors: parsing that whole body (or keeping it to parse later) would stall the
 * event loop and pin the memory of every large answer in flight. Here each byte is looked at once,
 * only depth and string state are carried across chunks, and only the wanted values are kept.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A wanted value larger than this is dropped: usage, model and id are small. */
const MAX_VALUE_BYTES = 64 * 1024;
/** Key names longer than this are no wanted key. */
const MAX_KEY_BYTES = 32;

export class TopLevelFields {
  readonly #wanted: ReadonlySet<string>;
  readonly #values = new Map<string, string>();
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** At depth 1, between `{` or `,` and the next key. */
  #expectingKey = false;
  #key: number[] | undefined;
  #lastKey = '';
  /** Bytes of the wanted value being read, across chunks. */
  #capture: Buffer[] | undefined;
  #captureBytes = 0;
  #captureName = '';

  constructor(wanted: Iterable<string>) {
    this.#wanted = new Set(wanted);
  }

  push(chunk: Buffer): void {
    let captureFrom = this.#capture === undefined ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) {
          this.#inString = false;
          if (this.#key !== undefined) {
            this.#lastKey = Buffer.from(this.#key).toString('utf8');
            this.#key = undefined;
          }
          continue;
        }
        if (this.#key !== undefined) {
          if (this.#key.length < MAX_KEY_BYTES) this.#key.push(byte);
          else this.#key = undefined;
        }
        continue;
      }
      switch (byte) {
        case QUOTE:
          this.#inString = true;
          if (this.#depth === 1 && this.#expectingKey) {
            this.#expectingKey = false;
            this.#key = [];
            this.#lastKey = '';
          }
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          this.#depth += 1;
          if (this.#depth === 1) this.#expectingKey = true;
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY:
          if (this.#depth === 1 && captureFrom !== -1) this.#finish(chunk, captureFrom, i);
          if (this.#depth === 1) captureFrom = -1;
          this.#depth -= 1;
          break;
        case COMMA:
          if (this.#depth === 1) {
            if (captureFrom !== -1) this.#finish(chunk, captureFrom, i);
            captureFrom = -1;
            this.#expectingKey = true;
          }
          break;
        case COLON:
          if (this.#depth === 1 && this.#wanted.has(this.#lastKey)) {
            this.#capture = [];
            this.#captureBytes = 0;
            this.#captureName = this.#lastKey;
            captureFrom = i + 1;
          }
          break;
      }
    }
    if (captureFrom !== -1 && this.#capture !== undefined) this.#keep(chunk.subarray(captureFrom));
  }

  /** A wanted field's value, parsed; undefined when absent, too large or not JSON. */
  get(name: string): unknown {
    const text = this.#values.get(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  #keep(part: Buffer): void {
    this.#captureBytes += part.length;
    if (this.#captureBytes > MAX_VALUE_BYTES) this.#capture = undefined;
    else this.#capture!.push(part);
  }

  #finish(chunk: Buffer, from: number, to: number): void {
    if (this.#capture === undefined) return;
    this.#keep(chunk.subarray(from, to));
    if (this.#capture !== undefined) this.#values.set(this.#captureName, Buffer.concat(this.#capture).toString('utf8'));
    this.#capture = undefined;
  }
}
