import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { GatewayError } from '../errors/gateway-error.js';
import { sendBareError, sendJson } from './reply.js';

export interface AdminHandlers {
  readonly readiness: () => { ready: boolean; detail: Record<string, unknown> };
  readonly metrics: (accept: string | undefined) => Promise<{ contentType: string; body: string }>;
  /** True while the gateway drains: /readyz says so. */
  readonly draining: () => boolean;
  /** The console (`/console` and below), served wherever /metrics is; undefined when disabled. */
  readonly console?: { handle(path: string, req: IncomingMessage, res: ServerResponse): boolean } | undefined;
}

/** /healthz, /readyz, /metrics and the console: served on the API port, or on `server.adminPort` when one is set. */
export class AdminRoutes {
  constructor(private readonly handlers: AdminHandlers) {}

  /** Answers an admin path; false for any other path. */
  handle(path: string, req: IncomingMessage, res: ServerResponse): boolean {
    if (path === '/healthz') sendJson(res, 200, { status: 'ok' });
    else if (path === '/readyz') this.readyz(res);
    else if (path === '/metrics') void this.metrics(req, res);
    else return this.handlers.console?.handle(path, req, res) ?? false;
    return true;
  }

  private readyz(res: ServerResponse): void {
    const { ready, detail } = this.handlers.readiness();
    const draining = this.handlers.draining();
    const isReady = ready && !draining;
    sendJson(res, isReady ? 200 : 503, { status: isReady ? 'ready' : draining ? 'draining' : 'not_ready', ...detail });
  }

  private async metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { contentType, body } = await this.handlers.metrics(req.headers.accept);
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}

/**
 * A second listener for what operators and Kubernetes read (metrics, readiness, health, the
 * console), so the API port does not show key names, per-key spend and upstream names to every
 * client that reaches it.
 */
export class AdminServer {
  private readonly server: http.Server;

  constructor(private readonly host: string, private readonly port: number, routes: AdminRoutes) {
    this.server = http.createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
      const url = req.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      if (!routes.handle(path, req, res)) sendBareError(res, new GatewayError('not_found', `Unknown admin path ${path.slice(0, 200)}`), '');
    });
  }

  async listen(): Promise<number> {
    this.server.listen(this.port, this.host);
    await once(this.server, 'listening');
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.port;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
