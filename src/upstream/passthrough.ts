import http from 'node:http';
import https from 'node:https';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { classifyThrown, classifyUpstreamStatus } from '../errors/classify.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { commitHead, failCommitted, passUpstreamError } from '../server/reply.js';
import { pipeline, Readable } from 'node:stream';
import { decodedBody } from './decode.js';
import { CLIENT_BILLING_SELECTORS, CLIENT_CREDENTIALS, clientResponseHeaders, stripsClientCredentials } from './headers.js';
import type { Upstream } from './pools.js';
import type { SecretScrubber } from './secrets.js';

/** Answers read whole before the client gets them are small JSON (an object, a list page); past this, refused. */
const READ_ANSWER_CAP = 16 * 1024 * 1024;

/**
 * Reads, and may rewrite, the few passthrough answers another concern must see before the client
 * does (tenancy: the `id` of a created object, a list to filter). Every other answer streams through.
 */
export interface AnswerReader {
  /** This request's answer is read whole first. */
  reads(ctx: RequestContext): boolean;
  /** The body the client gets (the same buffer when unchanged); throws a GatewayError to answer with instead. */
  rewrite(ctx: RequestContext, status: number, body: Buffer): Promise<Buffer>;
}

/** Two readers as one: each reads (and may rewrite) the answers it asks for, in order. */
export function bothReaders(first: AnswerReader, second: AnswerReader): AnswerReader {
  return {
    reads: (ctx) => first.reads(ctx) || second.reads(ctx),
    async rewrite(ctx, status, body) {
      const once = first.reads(ctx) ? await first.rewrite(ctx, status, body) : body;
      return second.reads(ctx) ? second.rewrite(ctx, status, once) : once;
    },
  };
}

interface InFlight {
  readonly ctx: RequestContext;
  readonly reads: boolean;
  /** Ends the request with an error, before anything was sent to the client. */
  readonly fail: (error: unknown) => void;
}

/** The path below `/v1`, which the proxy appends to the upstream's base URL. */
function belowV1(url: string | undefined): string {
  return (url ?? '/').slice('/v1'.length) || '/';
}

/**
 * Opaque passthrough of other `/v1/*` paths (files, batches, images, audio...) to the default
 * upstream, streamed both ways by http-proxy-3 over a keep-alive agent. Not retried: these calls
 * are not ours to understand, and many are not idempotent. The gateway writes every answer itself
 * (`selfHandleResponse`): a 2xx streams through untouched (only configured secrets are taken out of
 * its headers); an error answer is read whole (it is small), inflated, and scrubbed of configured
 * secrets, since an upstream's 401 quotes the key the gateway injected.
 */
export class Passthrough {
  private readonly proxy: ProxyServer;
  private readonly target: string;
  private readonly inFlight = new WeakMap<http.IncomingMessage, InFlight>();

  constructor(private readonly upstream: Upstream, dropClientCredentials: boolean, private readonly scrubber: SecretScrubber, private readonly answers: AnswerReader | undefined = undefined) {
    const isHttps = upstream.origin.startsWith('https:');
    const agentOptions = { keepAlive: true, keepAliveMsecs: 1_000, maxSockets: upstream.config.pool.connections, timeout: upstream.config.pool.keepAliveTimeoutMs };
    const agent = isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.target = upstream.origin + upstream.basePath;
    this.proxy = createProxyServer({ agent, changeOrigin: true, xfwd: false, proxyTimeout: upstream.config.timeouts.totalMs, secure: true });
    const stripCredentials = stripsClientCredentials(upstream, dropClientCredentials);
    const setCredentials = (proxyReq: http.ClientRequest): void => {
      if (stripCredentials) for (const name of CLIENT_CREDENTIALS) proxyReq.removeHeader(name);
      if (upstream.credential !== undefined) {
        for (const name of CLIENT_BILLING_SELECTORS) proxyReq.removeHeader(name);
        proxyReq.setHeader(upstream.credential.header, upstream.credential.value);
      }
      for (const [name, value] of Object.entries(upstream.fallbackHeaders)) if (!proxyReq.hasHeader(name)) proxyReq.setHeader(name, value);
      for (const [name, value] of Object.entries(upstream.config.headers)) proxyReq.setHeader(name, value);
    };
    this.proxy.on('proxyReq', (proxyReq: http.ClientRequest, req: http.IncomingMessage) => {
      setCredentials(proxyReq);
      // An answer the gateway reads must come uncompressed.
      if (this.inFlight.get(req)?.reads === true) proxyReq.setHeader('accept-encoding', 'identity');
    });
    // Every failure reaches the callback given to web(); without a listener here, an error
    // http-proxy-3 emits on the proxy itself would be thrown and take the process down.
    this.proxy.on('error', () => undefined);
    this.proxy.on('proxyRes', (proxyRes: http.IncomingMessage, req: http.IncomingMessage) => {
      const flight = this.inFlight.get(req);
      if (flight === undefined) return void proxyRes.resume();
      if (flight.reads || (proxyRes.statusCode ?? 502) >= 400) void this.answerRead(flight, proxyRes);
      else this.answerStreamed(flight.ctx, proxyRes);
    });
  }

  /** A pipeline stage streaming the request through; resolves when the answer has ended. */
  stage() {
    return (ctx: RequestContext, _next: Next): Promise<void> => this.forward(ctx);
  }

  get upstreamName(): string {
    return this.upstream.name;
  }

  private forward(ctx: RequestContext): Promise<void> {
    const { req, res } = ctx;
    return new Promise<void>((resolve, reject) => {
      req.url = belowV1(req.url);
      ctx.upstream.name = this.upstream.name;
      ctx.upstream.attempts = 1;
      const reads = this.answers?.reads(ctx) === true;
      this.inFlight.set(req, { ctx, reads, fail: reject });
      res.once('close', () => resolve());
      // A stage that had to read the body (a key's allowedModels) kept it: it is forwarded as read.
      const buffer = req.readableEnded ? Readable.from([ctx.body]) : undefined;
      this.proxy.web(req, res, { target: this.target, selfHandleResponse: true, ...(buffer === undefined ? {} : { buffer }) }, (error: Error) => {
        const errorClass = classifyThrown(error);
        if (ctx.reply.committed) {
          failCommitted(ctx, errorClass, { stream: false, tell: false });
          resolve();
          return;
        }
        const code = errorClass === 'timeout' || errorClass === 'client_closed' ? errorClass : 'upstream_unreachable';
        reject(new GatewayError(code, `upstream "${this.upstream.name}" is unreachable`, { cause: error }));
      });
    });
  }

  /** A 2xx/3xx answer: its status and headers, then its body chunk by chunk; a body cut mid-way drops the client's connection. */
  private answerStreamed(ctx: RequestContext, proxyRes: http.IncomingMessage): void {
    // The key's own rate-limit headers (stamped on every answer) win over the upstream's, as on understood calls.
    commitHead(ctx, proxyRes.statusCode ?? 0, this.scrubber.headers(clientResponseHeaders(proxyRes.headers, false)));
    pipeline(proxyRes, ctx.res, (error) => {
      if (error !== undefined && error !== null) failCommitted(ctx, classifyThrown(error), { stream: false, tell: false });
    });
  }

  /** Reads a whole (small) answer, scrubs it, lets the reader rewrite it, then sends it; nothing is sent before. */
  private async answerRead(flight: InFlight, proxyRes: http.IncomingMessage): Promise<void> {
    const { ctx } = flight;
    const status = proxyRes.statusCode ?? 502;
    try {
      const plain = decodedBody(proxyRes.headers, proxyRes);
      const read = this.scrubber.body(await readCapped(plain.body));
      const body = flight.reads ? await this.answers!.rewrite(ctx, status, read) : read;
      if (ctx.res.destroyed) return;
      const headers = this.scrubber.headers(clientResponseHeaders(proxyRes.headers, true));
      if (plain.decoded) delete headers['content-encoding'];
      if (status >= 400) return passUpstreamError(ctx, classifyUpstreamStatus(status, ctx.api.upstreamErrorCode(body)) ?? 'upstream_5xx', status, headers, body);
      headers['content-length'] = String(body.length);
      commitHead(ctx, status, headers);
      ctx.res.end(body);
    } catch (error) {
      proxyRes.destroy();
      flight.fail(error instanceof GatewayError ? error : new GatewayError('upstream_unreachable', `upstream "${this.upstream.name}" failed while answering`, { cause: error }));
    }
  }

  close(): void {
    this.proxy.close();
  }
}

async function readCapped(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > READ_ANSWER_CAP) throw new GatewayError('upstream_error', `the upstream answer is larger than ${READ_ANSWER_CAP} bytes, too large to check whose objects it holds`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
