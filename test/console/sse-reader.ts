/** Reads server-sent events from a fetch answer, for the console's live stream tests. */
export interface SseEvent {
  event: string;
  data: string;
}

export class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(answer: Response) {
    this.reader = answer.body!.getReader();
  }

  /** The next event named `name`, waiting at most `timeoutMs`. */
  async next(name: string, timeoutMs = 10_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buffer.indexOf('\n\n');
      if (at !== -1) {
        const block = this.buffer.slice(0, at);
        this.buffer = this.buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n');
        if (event === name) return { event, data };
        continue;
      }
      if (Date.now() > deadline) throw new Error(`no "${name}" event within ${timeoutMs} ms`);
      const { value, done } = await this.reader.read();
      if (done) throw new Error(`stream ended before a "${name}" event`);
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}
