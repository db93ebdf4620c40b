import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import { asGatewayError, sendBareError } from '../server/reply.js';
import { SESSION_COOKIE, sessionToken, type Access, type ConsoleAccess } from './console-access.js';
import type { LiveStreams } from './live-streams.js';
import type { ConsoleSessions } from './sessions.js';
import type { ConsoleData } from './snapshot.js';
import { loadStaticFiles, type StaticFile } from './static-files.js';

const ASSETS = ['console.css', 'console.js', 'charts.js', 'panels.js', 'format.js', 'login.js', 'favicon.svg'] as const;
const PAGES = ['index.html', 'login.html'] as const;
const MAX_LOGIN_BYTES = 4_096;
const SNAPSHOT_ROWS = 200;

/** No script, style or connection but the gateway's own; never framed. */
const PAGE_HEADERS: OutgoingHttpHeaders = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * GET /console and what it loads: the page (or the login form), its static files, the live stream
 * (`/console/events`), a JSON snapshot for scripts (`/console/snapshot`), sign-in and sign-out.
 * Served next to /metrics: on the admin port when there is one, else on the API port.
 */
export class ConsoleRoutes {
  private readonly files = loadStaticFiles([...ASSETS, ...PAGES]);

  constructor(private readonly access: ConsoleAccess, private readonly sessions: ConsoleSessions, private readonly data: ConsoleData, private readonly streams: LiveStreams) {}

  /** Answers a console path; false for any other path. */
  handle(path: string, req: IncomingMessage, res: ServerResponse): boolean {
    if (path !== '/console' && !path.startsWith('/console/')) return false;
    const route = `${req.method ?? ''} ${path}`;
    if (route === 'GET /console' || route === 'GET /console/') this.page(req, res);
    else if (route === 'GET /console/events') this.guarded(req, res, () => this.events(req, res));
    else if (route === 'GET /console/snapshot') this.guarded(req, res, () => settle(res, this.snapshot(res)));
    else if (route === 'POST /console/login') settle(res, this.login(req, res));
    else if (route === 'POST /console/logout') this.logout(req, res);
    else if (req.method === 'GET' && path.startsWith('/console/assets/')) this.asset(path.slice('/console/assets/'.length), req, res);
    else fail(res, new GatewayError('not_found', `Unknown console path ${req.method ?? ''} ${path.slice(0, 200)}`));
    return true;
  }

  close(): void {
    this.streams.close();
  }

  private page(req: IncomingMessage, res: ServerResponse): void {
    const access = this.access.check(req);
    if (access.allowed) return serve(res, this.file('index.html'));
    // A person's browser gets the login form; a script gets the error.
    if (access.signIn && wantsHtml(req)) return serve(res, this.file('login.html'));
    fail(res, access.error);
  }

  /** Files only: in keys mode the login form needs them before anyone signs in; without keys they follow the page's rule. */
  private asset(name: string, req: IncomingMessage, res: ServerResponse): void {
    const file = (ASSETS as readonly string[]).includes(name) ? this.files.get(name) : undefined;
    if (file === undefined) return fail(res, new GatewayError('not_found', `Unknown console file ${name.slice(0, 100)}`));
    const access = this.access.check(req);
    if (!access.allowed && !access.signIn) return fail(res, access.error);
    serve(res, file, { 'cache-control': 'no-cache' });
  }

  private guarded(req: IncomingMessage, res: ServerResponse, answer: () => void): void {
    const access = this.access.check(req);
    if (!access.allowed) return fail(res, access.error);
    answer();
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    const token = sessionToken(req);
    const bySession = req.headers.authorization === undefined && this.sessions.valid(token);
    const stillAllowed = bySession ? () => this.sessions.valid(token) : () => true;
    if (!this.streams.add(res, stillAllowed, { session: bySession })) fail(res, new GatewayError('console_busy', 'Too many console pages are open (console.maxStreams); close one or retry shortly', { retryAfterSeconds: 5 }));
  }

  private async snapshot(res: ServerResponse): Promise<void> {
    const state = await this.data.state();
    const body = JSON.stringify({ ...state, requests: this.data.rowsAfter(0, SNAPSHOT_ROWS) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(body);
  }

  /** `{"key": "<admin key>"}` as JSON: a cross-site form cannot send that type without a preflight, which is never answered. */
  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = crossSite(req) ?? (isJson(req) ? undefined : new GatewayError('unsupported_media_type', 'Sign in with a JSON body {"key": "<admin key>"}'));
    if (refusal !== undefined) return fail(res, refusal);
    const key = await readKey(req);
    if (key === undefined) return fail(res, new GatewayError('invalid_body', 'Sign in with a JSON body {"key": "<admin key>"}', { param: 'key' }));
    const access: Access = this.access.byKey(key);
    if (!access.allowed) return fail(res, access.error);
    const token = this.sessions.create();
    res.writeHead(204, { 'set-cookie': cookie(req, token, this.sessions.ttlSeconds), 'cache-control': 'no-store' });
    res.end();
  }

  private logout(req: IncomingMessage, res: ServerResponse): void {
    const refusal = crossSite(req);
    if (refusal !== undefined) return fail(res, refusal);
    this.sessions.end(sessionToken(req));
    res.writeHead(204, { 'set-cookie': cookie(req, '', 0), 'cache-control': 'no-store' });
    res.end();
  }

  private file(name: (typeof PAGES)[number]): StaticFile {
    return this.files.get(name)!;
  }
}

function serve(res: ServerResponse, file: StaticFile, headers: OutgoingHttpHeaders = {}): void {
  res.writeHead(200, { ...PAGE_HEADERS, ...headers, 'content-type': file.type, 'content-length': file.body.length });
  res.end(file.body);
}

function fail(res: ServerResponse, error: GatewayError): void {
  if (res.headersSent || res.destroyed) return void res.destroy();
  if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds));
  res.setHeader('cache-control', 'no-store');
  sendBareError(res, error, randomUUID());
}

/** An answer that fails unexpectedly still gets the API's error shape, and never crashes the process. */
function settle(res: ServerResponse, answer: Promise<void>): void {
  answer.catch((error: unknown) => fail(res, asGatewayError(error)));
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function isJson(req: IncomingMessage): boolean {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '');
}

/** A browser names the page a request comes from; a state change from another site's page is refused. */
function crossSite(req: IncomingMessage): GatewayError | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  return host === req.headers.host ? undefined : new GatewayError('bad_request', 'Cross-site console requests are refused');
}

function cookie(req: IncomingMessage, token: string, maxAgeSeconds: number): string {
  const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/console; Max-Age=${maxAgeSeconds}${secure}`;
}

async function readKey(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LOGIN_BYTES) return undefined;
    parts.push(chunk);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const key = typeof body === 'object' && body !== null ? (body as { key?: unknown }).key : undefined;
    return typeof key === 'string' && key.length > 0 ? key : undefined;
  } catch {
    return undefined;
  }
}
