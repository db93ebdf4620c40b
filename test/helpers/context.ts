import { IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { OPENAI } from '../../src/api/openai.ts';
import type { WireApi } from '../../src/api/wire-api.ts';
import type { RequestContext } from '../../src/pipeline/context.ts';
import { createContext } from '../../src/pipeline/create-context.ts';
import type { Operation } from '../../src/usage/types.ts';

/** A response that keeps what is written to it, for unit tests of what writes answers. */
export class RecordingResponse extends Writable {
  statusCode = 0;
  headers: Record<string, unknown> = {};
  headersSent = false;
  readonly chunks: Buffer[] = [];

  /** `slow`: a write completes on a later turn, like a socket to a client that reads slowly; with a small highWaterMark it really pushes back. */
  constructor(private readonly options: { readonly slow?: boolean; readonly highWaterMark?: number } = {}) {
    super({ highWaterMark: options.highWaterMark ?? 16 * 1024 });
  }

  writeHead(status: number, headers: Record<string, unknown> = {}): this {
    this.statusCode = status;
    this.headers = headers;
    this.headersSent = true;
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    if (this.options.slow === true) setImmediate(done);
    else done();
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export interface TestContextInit {
  readonly operation?: Operation | undefined;
  readonly api?: WireApi;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly res?: RecordingResponse;
}

/** A request context as the server makes one, on a fake request and a recording response. */
export function testContext(init: TestContextInit = {}): RequestContext & { res: RecordingResponse & ServerResponse } {
  const req = new IncomingMessage(new Socket());
  req.method = init.method ?? 'POST';
  req.url = `/v1${init.path ?? '/chat/completions'}`;
  req.headers = init.headers ?? {};
  const res = init.res ?? new RecordingResponse();
  const operation = 'operation' in init ? init.operation : 'chat';
  return createContext({
    id: 'req-test',
    req,
    res: res as unknown as ServerResponse,
    logger: pino({ level: 'silent' }),
    path: init.path ?? '/chat/completions',
    operation,
    api: init.api ?? OPENAI,
    routeLabel: operation ?? 'passthrough',
    upgrade: undefined,
  }) as RequestContext & { res: RecordingResponse & ServerResponse };
}
