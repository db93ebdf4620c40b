import { randomUUID } from 'node:crypto';
import http, { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { once } from 'node:events';
import type { Logger } from '../observe/logger.js';
import type { Config } from '../config/schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import { ANTHROPIC } from '../api/anthropic.js';
import { OPENAI } from '../api/openai.js';
import type { WireApi } from '../api/wire-api.js';
import type { RequestContext, Upgrade } from '../pipeline/context.js';
import { createContext } from '../pipeline/create-context.js';
import type { Operation } from '../usage/types.js';
import type { AdminRoutes } from './admin-server.js';
import { sendBareError, sendJson, sendRawError } from './reply.js';

/** POST paths below /v1 that the gateway understands; everything else under /v1 is passed through. */
const UNDERSTOOD: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  ['/chat/completions', 'chat'],
  ['/completions', 'text_completion'],
  ['/embeddings', 'embeddings'],
  ['/responses', 'responses'],
  ['/messages', 'messages'],
  ['/messages/count_tokens', 'count_tokens'],
]);

/** The wire API of a path below /v1: Anthropic's Messages family, else OpenAI's (its errors take that API's envelope). */
function apiOf(below: string): WireApi {
  return below === '/messages' || below.startsWith('/messages/') ? ANTHROPIC : OPENAI;
}

const REQUEST_ID = /^[\w.:@-]{1,128}$/;
/** `//`, `.` and `..` segments, and encoded dots, slashes or backslashes, anywhere in the path. */
const UNSAFE_PATH = /\/\/|\/\.{1,2}(\/|$)|%2e|%2f|%5c|\\/i;

export interface ServerHandlers {
  readonly llm: (ctx: RequestContext) => Promise<void>;
  /** POST /v1/messages/count_tokens: understood and routed, but it generates nothing and costs nothing. */
  readonly countTokens: (ctx: RequestContext) => Promise<void>;
  readonly passthrough: (ctx: RequestContext) => Promise<void>;
  readonly models: (ctx: RequestContext) => Promise<void>;
  /** /healthz, /readyz and /metrics on this port; undefined when they live on the admin port (only /healthz stays). */
  readonly admin: AdminRoutes | undefined;
  /** WebSocket upgrades under /v1: the same observe, auth and limits stages, then the tunnel. */
  readonly upgrade: (ctx: RequestContext) => Promise<void>;
  /** The gateway's own endpoints under /breakwater/ (server/own-endpoints.ts). */
  readonly own: (ctx: RequestContext) => Promise<void>;
}

/** After the drain deadline cut what was left, how long their pipelines get to settle (limits, spend, access line, span). */
const SETTLE_AFTER_CUT_MS = 5_000;

/** The listener: health, metrics, the /v1 surface, and graceful drain. */
export class GatewayServer {
  private readonly server: http.Server;
  private inFlight = 0;
  /** Upgraded (WebSocket) sockets: the HTTP server no longer tracks them, so drain closes them itself. */
  private readonly upgraded = new Set<Duplex>();
  private connections = 0;
  private draining = false;
  private idle: (() => void) | undefined;

  constructor(private readonly settings: Config['server'], private readonly handlers: ServerHandlers, private readonly logger: Logger) {
    this.server = http.createServer(
      {
        headersTimeout: settings.headersTimeoutMs,
        requestTimeout: settings.requestTimeoutMs,
        keepAliveTimeout: settings.keepAliveTimeoutMs,
        // Node checks header/request deadlines on this interval (default 30 s): keep it finer than the deadlines.
        connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(settings.headersTimeoutMs / 2))),
        maxHeaderSize: 16 * 1024,
        joinDuplicateHeaders: true,
      },
      (req, res) => this.handle(req, res),
    );
    // Node's own maxConnections drops extra sockets silently; answer them with a clear 503 instead.
    this.server.on('connection', (socket: Socket) => {
      this.connections += 1;
      socket.once('close', () => (this.connections -= 1));
      if (this.connections > settings.maxConnections) refuseConnection(socket);
    });
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.clientError(error, socket));
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.handleUpgrade(req, socket, head));
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async listen(): Promise<number> {
    this.server.listen(this.settings.port, this.settings.host);
    await once(this.server, 'listening');
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.settings.port;
  }

  /** Stops accepting, lets in-flight requests and streams finish up to `timeoutMs`, then cuts what is left. */
  async drain(timeoutMs: number): Promise<{ cut: number }> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await this.whenIdle(timeoutMs);
    const cut = this.inFlight;
    this.server.closeAllConnections();
    for (const socket of this.upgraded) socket.destroy();
    // What was cut still settles (limits, spend, access line, span) before the caller closes Redis and the exporter.
    await this.whenIdle(SETTLE_AFTER_CUT_MS);
    await closed;
    return { cut };
  }

  private async whenIdle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    const idle = new Promise<void>((resolve) => (this.idle = resolve));
    const timer = setTimeout(() => this.idle?.(), timeoutMs);
    await idle;
    clearTimeout(timer);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (this.draining) res.setHeader('connection', 'close');
    if (this.handlers.admin?.handle(path, req, res) === true) return;
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    const id = requestIdOf(req);
    if (path.startsWith('/breakwater/') && !UNSAFE_PATH.test(path)) return this.run(this.handlers.own, this.newContext(req, res, id, path, undefined, undefined));
    if (!path.startsWith('/v1/')) {
      sendBareError(res, new GatewayError('not_found', `Unknown path ${path.slice(0, 200)}; the OpenAI API lives under /v1`), id);
      return;
    }
    const below = path.slice('/v1'.length);
    if (UNSAFE_PATH.test(below)) {
      // The upstream origin is fixed, but a path must not climb out of the upstream's base path either.
      sendBareError(res, new GatewayError('not_found', 'Invalid path: empty, dot or encoded-slash segments are not allowed'), id);
      return;
    }
    const operation = req.method === 'POST' ? UNDERSTOOD.get(below) : undefined;
    const ctx = this.newContext(req, res, id, below, operation, undefined);
    const pipeline = operation === 'count_tokens' ? this.handlers.countTokens : operation !== undefined ? this.handlers.llm : below === '/models' && req.method === 'GET' ? this.handlers.models : this.handlers.passthrough;
    this.run(pipeline, ctx);
  }

  /**
   * A WebSocket upgrade runs the stages like any request; its gateway replies (401, 429, 503...) are
   * written by a ServerResponse on the raw socket, which is then closed.
   */
  private handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const id = requestIdOf(req);
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.once('finish', () => socket.end());
    if (this.draining) return sendBareError(res, new GatewayError('shutting_down', 'gateway is shutting down; reconnect to another replica'), id);
    if (!path.startsWith('/v1/') || UNSAFE_PATH.test(path.slice('/v1'.length))) {
      return sendBareError(res, new GatewayError('not_found', `Unknown WebSocket path ${path.slice(0, 200)}`), id);
    }
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    this.run(this.handlers.upgrade, this.newContext(req, res, id, path.slice('/v1'.length), undefined, { socket, head }));
  }

  private run(pipeline: (ctx: RequestContext) => Promise<void>, ctx: RequestContext): void {
    this.inFlight += 1;
    pipeline(ctx)
      .catch((error: unknown) => ctx.log.error({ err: error }, 'unhandled pipeline error'))
      .finally(() => {
        this.inFlight -= 1;
        if (this.inFlight === 0) this.idle?.();
      });
  }

  private newContext(req: IncomingMessage, res: ServerResponse, id: string, below: string, operation: Operation | undefined, upgrade: Upgrade | undefined): RequestContext {
    return createContext({
      id,
      req,
      res,
      logger: this.logger,
      path: below,
      operation,
      api: apiOf(below),
      routeLabel: operation ?? (below === '/models' ? 'models' : below.startsWith('/breakwater/') ? 'breakwater' : 'passthrough'),
      upgrade,
    });
  }

  /** Malformed HTTP never reaches the pipeline: answer in OpenAI's shape where the socket still allows. */
  private clientError(error: NodeJS.ErrnoException, socket: Socket): void {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    if (error.code === 'HPE_HEADER_OVERFLOW') sendRawError(socket, new GatewayError('headers_too_large', 'malformed HTTP request: Request Header Fields Too Large'));
    else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') sendRawError(socket, new GatewayError('request_timeout', 'malformed HTTP request: Request Timeout'));
    else sendRawError(socket, new GatewayError('bad_request', 'malformed HTTP request: Bad Request'));
  }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function refuseConnection(socket: Socket): void {
  sendRawError(socket, new GatewayError('too_many_connections', 'gateway is at its connection limit, retry later', { retryAfterSeconds: 1 }));
}
