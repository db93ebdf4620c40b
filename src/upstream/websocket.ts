import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { classifyThrown, classifyUpstreamStatus } from '../errors/classify.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { AttemptTimeout } from '../resilience/deadlines.js';
import { commitUpgrade, passUpstreamError, recordFailure, sendError } from '../server/reply.js';
import { decodedBody } from './decode.js';
import { CLIENT_BILLING_SELECTORS, CLIENT_CREDENTIALS, clientResponseHeaders, stripsClientCredentials } from './headers.js';
import type { Upstream } from './pools.js';
import type { SecretScrubber } from './secrets.js';

/** A refusal body (the upstream did not upgrade) is small; more is cut. */
const REFUSAL_BODY_CAP = 64 * 1024;
/** Client headers that are the connection's own, or the gateway's. */
const NOT_FORWARDED = new Set(['host', 'content-length', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);

/**
 * WebSocket upgrades under /v1 (the Realtime API) to the default upstream, after the same observe,
 * auth and limits stages as any call. The handshake is one node:http request; after the upstream's
 * 101 the two sockets are piped both ways and the session is in flight until either closes. A
 * socket error on either side ends that session only. An upstream that refuses the upgrade (a 401
 * for a bad key) gets its answer passed on like any error answer: scrubbed of configured secrets.
 * (http-proxy-3, used before, writes such an answer straight to the client socket, where the key an
 * upstream echoes could not be removed; and it re-threw a client socket reset as an uncaught error.)
 */
export class WebSocketRelay {
  private readonly transport: typeof http | typeof https;
  private readonly stripCredentials: boolean;

  constructor(private readonly upstream: Upstream, dropClientCredentials: boolean, private readonly scrubber: SecretScrubber) {
    this.transport = upstream.origin.startsWith('https:') ? https : http;
    this.stripCredentials = stripsClientCredentials(upstream, dropClientCredentials);
  }

  stage() {
    return (ctx: RequestContext, _next: Next): Promise<void> => this.relay(ctx);
  }

  private relay(ctx: RequestContext): Promise<void> {
    const { socket } = ctx.upgrade!;
    const { reply } = ctx;
    ctx.upstream.name = this.upstream.name;
    ctx.upstream.attempts = 1;
    let clientFailed = false;
    return new Promise<void>((resolve) => {
      const url = new URL(this.upstream.basePath + (ctx.req.url ?? '/').slice('/v1'.length), this.upstream.origin);
      const request = this.transport.request(url, { method: 'GET', headers: this.requestHeaders(ctx.req), agent: false });
      socket.on('error', () => (clientFailed = true));
      // The client's signal follows its socket from arrival on, so a client gone during auth or limits is seen too.
      const ended = (): void => {
        if (reply.errorClass === undefined && (clientFailed || !reply.committed)) recordFailure(ctx, 'client_closed');
        request.destroy();
        resolve();
      };
      if (ctx.clientSignal.aborted) return ended();
      ctx.clientSignal.addEventListener('abort', ended, { once: true });
      const connectMs = this.upstream.config.timeouts.connectMs;
      const firstByteMs = this.upstream.config.timeouts.firstByteMs;
      request.setTimeout(connectMs + firstByteMs, () => request.destroy(new AttemptTimeout('first_byte', firstByteMs)));
      request.on('upgrade', (answer: IncomingMessage, upstreamSocket: Duplex, upstreamHead: Buffer) => {
        request.setTimeout(0);
        this.tunnel(ctx, answer, upstreamSocket, upstreamHead, (error) => recordFailure(ctx, clientFailed ? 'client_closed' : classifyThrown(error)));
      });
      request.on('response', (answer: IncomingMessage) => void this.passRefusal(ctx, answer));
      request.on('error', (error: Error) => {
        if (reply.committed || clientFailed || socket.destroyed) return recordFailure(ctx, clientFailed ? 'client_closed' : classifyThrown(error));
        const errorClass = classifyThrown(error);
        sendError(ctx, new GatewayError(errorClass === 'timeout' ? 'timeout' : 'upstream_unreachable', `upstream "${this.upstream.name}" did not accept the WebSocket`, { cause: error }));
      });
      request.end();
    });
  }

  private requestHeaders(req: IncomingMessage): http.OutgoingHttpHeaders {
    const out: http.OutgoingHttpHeaders = {};
    for (const name in req.headers) {
      if (NOT_FORWARDED.has(name) || name.startsWith('x-breakwater-')) continue;
      if (this.stripCredentials && CLIENT_CREDENTIALS.has(name)) continue;
      if (this.upstream.credential !== undefined && CLIENT_BILLING_SELECTORS.has(name)) continue;
      out[name] = req.headers[name];
    }
    for (const [name, value] of Object.entries(this.upstream.config.headers)) out[name.toLowerCase()] = value;
    if (this.upstream.credential !== undefined) out[this.upstream.credential.header] = this.upstream.credential.value;
    return out;
  }

  /** After the 101: the upstream's handshake headers to the client, then bytes both ways until either side closes. */
  private tunnel(ctx: RequestContext, answer: IncomingMessage, upstream: Duplex, upstreamHead: Buffer, failed: (error: Error) => void): void {
    const { socket: client, head: clientHead } = ctx.upgrade!;
    const lines = ['HTTP/1.1 101 Switching Protocols'];
    const raw = answer.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i]}: ${this.scrubber.text(raw[i + 1]!)}`);
    commitUpgrade(ctx, client, `${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length > 0) client.write(upstreamHead);
    if (clientHead.length > 0) upstream.write(clientHead);
    upstream.on('error', failed);
    // WebSocket has no use for half-closed TCP: when either side ends, the session is over both ways
    // (a client that sends FIN would otherwise leave a half-open session in flight until drain).
    const over = (): void => {
      client.end();
      upstream.end();
    };
    upstream.once('end', over);
    client.once('end', over);
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.pipe(client, { end: false });
    client.pipe(upstream, { end: false });
  }

  /** The upstream answered the handshake without upgrading: its status and body, secrets removed, then close. */
  private async passRefusal(ctx: RequestContext, answer: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of decodedBody(answer.headers, answer).body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= REFUSAL_BODY_CAP) break;
      }
    } catch {
      // A refusal cut short is still passed on as far as it was read.
    }
    const body = this.scrubber.body(Buffer.concat(chunks));
    const status = answer.statusCode ?? 502;
    const headers = this.scrubber.headers(clientResponseHeaders(answer.headers, true));
    delete headers['content-encoding'];
    headers.connection = 'close';
    if (ctx.res.headersSent || ctx.res.destroyed) return;
    passUpstreamError(ctx, classifyUpstreamStatus(status, ctx.api.upstreamErrorCode(body)) ?? 'upstream_5xx', status, headers, body);
  }
}
