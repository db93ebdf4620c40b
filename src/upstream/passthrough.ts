import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { classifyThrown } from '../errors/classify.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { CLIENT_BILLING_SELECTORS, CLIENT_CREDENTIALS, stripsClientCredentials } from './headers.js';
import type { Upstream } from './pools.js';

/** The path below `/v1`, which the proxy appends to the upstream's base URL. */
function belowV1(url: string | undefined): string {
  return (url ?? '/').slice('/v1'.length) || '/';
}

/**
 * Opaque passthrough of other `/v1/*` paths (files, batches, realtime WebSockets...) to the default
 * upstream, streamed both ways by http-proxy-3 over a keep-alive agent. Not retried: these calls
 * are not ours to understand, and many are not idempotent.
 */
export class Passthrough {
  private readonly proxy: ProxyServer;
  private readonly target: string;
  private readonly inFlight = new WeakMap<http.IncomingMessage, RequestContext>();

  constructor(private readonly upstream: Upstream, dropClientCredentials: boolean) {
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
      for (const [name, value] of Object.entries(upstream.config.headers)) proxyReq.setHeader(name, value);
    };
    this.proxy.on('proxyReq', setCredentials);
    this.proxy.on('proxyReqWs', setCredentials);
    this.proxy.on('proxyRes', (proxyRes: http.IncomingMessage, req: http.IncomingMessage, res: http.ServerResponse) => {
      const ctx = this.inFlight.get(req);
      if (ctx !== undefined) {
        ctx.result.status = proxyRes.statusCode ?? 0;
        ctx.result.committed = true;
        // The key's own rate-limit headers win over the upstream's, as on understood calls.
        if (ctx.rateLimitHeaders !== undefined) Object.assign(proxyRes.headers, ctx.rateLimitHeaders);
      }
      // A body cut mid-way must not look complete to the client.
      proxyRes.once('aborted', () => res.destroy());
      proxyRes.once('error', () => res.destroy());
    });
  }

  /** A pipeline stage streaming the request through; resolves when the answer has ended. */
  stage() {
    return (ctx: RequestContext, _next: Next): Promise<void> => this.forward(ctx);
  }

  private forward(ctx: RequestContext): Promise<void> {
    const { req, res, result } = ctx;
    return new Promise<void>((resolve, reject) => {
      req.url = belowV1(req.url);
      result.upstream = this.upstream.name;
      result.attempts = 1;
      res.setHeader('x-request-id', ctx.id);
      res.setHeader('x-breakwater-upstream', this.upstream.name);
      res.setHeader('x-breakwater-attempts', '1');
      this.inFlight.set(req, ctx);
      res.once('close', () => resolve());
      this.proxy.web(req, res, { target: this.target }, (error: Error) => {
        result.errorClass = classifyThrown(error);
        if (res.headersSent) {
          res.destroy();
          resolve();
          return;
        }
        const code = result.errorClass === 'timeout' ? 'timeout' : result.errorClass === 'client_closed' ? 'client_closed' : 'upstream_unreachable';
        reject(new GatewayError(code, `upstream "${this.upstream.name}" is unreachable`, { cause: error }));
      });
    });
  }

  /** WebSocket upgrade (e.g. /v1/realtime), already authenticated by the caller. */
  upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    req.url = belowV1(req.url);
    this.proxy.ws(req, socket, head, { target: this.target.replace(/^http/, 'ws') }, () => socket.destroy());
  }

  close(): void {
    this.proxy.close();
  }
}
