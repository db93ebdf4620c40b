import http from 'node:http';
import https from 'node:https';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { classifyThrown } from '../errors/classify.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { sendError } from '../server/reply.js';
import { CLIENT_CREDENTIALS, stripsClientCredentials } from './headers.js';
import type { Upstream } from './pools.js';

/** One WebSocket session as the relay tracks it. */
interface Session {
  readonly ctx: RequestContext;
  /** The client's own socket failed (reset, EPIPE): whatever follows is the client going away. */
  clientFailed: boolean;
}

/**
 * WebSocket upgrades under /v1 (the Realtime API) to the default upstream, tunnelled by http-proxy-3
 * after the same observe, auth and limits stages as any call. A session is in flight until either
 * side closes; a socket error on either side ends that session only. The proxy's own `error` event
 * always has a listener here: without one, http-proxy-3 re-throws a client socket's ECONNRESET as an
 * uncaught exception and the whole process dies.
 */
export class WebSocketRelay {
  private readonly proxy: ProxyServer;
  private readonly target: string;
  private readonly sessions = new WeakMap<http.IncomingMessage, Session>();

  constructor(private readonly upstream: Upstream, dropClientCredentials: boolean) {
    const agentOptions = { keepAlive: false };
    const agent = upstream.origin.startsWith('https:') ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.target = (upstream.origin + upstream.basePath).replace(/^http/, 'ws');
    this.proxy = createProxyServer({ agent, changeOrigin: true, xfwd: false, secure: true });
    const stripCredentials = stripsClientCredentials(upstream, dropClientCredentials);
    this.proxy.on('proxyReqWs', (proxyReq: http.ClientRequest, req: http.IncomingMessage) => {
      if (stripCredentials) for (const name of CLIENT_CREDENTIALS) proxyReq.removeHeader(name);
      if (upstream.credential !== undefined) proxyReq.setHeader(upstream.credential.header, upstream.credential.value);
      for (const [name, value] of Object.entries(upstream.config.headers)) proxyReq.setHeader(name, value);
      const session = this.sessions.get(req);
      if (session === undefined) return;
      proxyReq.once('upgrade', () => {
        session.ctx.result.status = 101;
        session.ctx.result.committed = true;
      });
      // Not a WebSocket endpoint: http-proxy-3 relays the upstream's HTTP answer and closes.
      proxyReq.once('response', (res: http.IncomingMessage) => {
        session.ctx.result.status = res.statusCode ?? 0;
        session.ctx.result.committed = true;
      });
    });
    this.proxy.on('error', (error: Error, req: http.IncomingMessage) => {
      const session = this.sessions.get(req);
      if (session !== undefined) this.failed(session, error);
    });
  }

  stage() {
    return (ctx: RequestContext, _next: Next): Promise<void> => this.relay(ctx);
  }

  private relay(ctx: RequestContext): Promise<void> {
    const { socket, head } = ctx.upgrade!;
    const session: Session = { ctx, clientFailed: false };
    ctx.result.upstream = this.upstream.name;
    ctx.result.attempts = 1;
    return new Promise<void>((resolve) => {
      // Registered before the proxy's own listener, so the proxy's error event already knows whose socket failed.
      socket.on('error', () => (session.clientFailed = true));
      socket.once('close', () => {
        if (session.clientFailed && ctx.result.errorClass === undefined) ctx.result.errorClass = 'client_closed';
        resolve();
      });
      this.sessions.set(ctx.req, session);
      ctx.req.url = (ctx.req.url ?? '/').slice('/v1'.length) || '/';
      this.proxy.ws(ctx.req, socket, head, { target: this.target }, (error: Error) => this.failed(session, error));
    });
  }

  /** Records how a session failed; before the upgrade, the client still gets a reply. */
  private failed(session: Session, error: Error): void {
    const { ctx } = session;
    if (ctx.result.errorClass !== undefined) return;
    const errorClass = session.clientFailed ? 'client_closed' : classifyThrown(error);
    if (ctx.result.committed || session.clientFailed) {
      ctx.result.errorClass = errorClass;
      return;
    }
    // Written synchronously: http-proxy-3 ends the socket right after this callback, once it is flushed.
    sendError(ctx, new GatewayError(errorClass === 'timeout' ? 'timeout' : 'upstream_unreachable', `upstream "${this.upstream.name}" is unreachable`, { cause: error }));
  }

  close(): void {
    this.proxy.close();
  }
}
