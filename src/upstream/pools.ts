import { createRequire } from 'node:module';
import type { Dispatcher, Pool as UndiciPool } from 'undici';
import type { UpstreamConfig } from '../config/schema.js';

/*
 * undici's index loads fetch, WebSocket, EventSource, the cache, mocks and proxy agents (~13 MiB
 * resident in a sidecar that uses none of them). The gateway needs a Pool and its request(): both
 * are loaded on their own, and request() is called on the pool as undici's index would bind it.
 * The types are undici's own; every integration test sends through this path.
 */
const require = createRequire(import.meta.url);
const Pool = require('undici/lib/dispatcher/pool.js') as typeof UndiciPool;
const { request: poolRequest } = require('undici/lib/api/index.js') as { request: (this: UndiciPool, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData> };

/** An upstream with its connection pool; the only place that imports undici. */
export interface Upstream {
  readonly name: string;
  readonly config: UpstreamConfig;
  /** scheme://host:port */
  readonly origin: string;
  /** Path prefix of the base URL without trailing slash, e.g. `/v1`. */
  readonly basePath: string;
  /** The wire API it speaks. */
  readonly api: UpstreamConfig['api'];
  /** The header carrying the configured apiKey (`authorization: Bearer …`, Azure's `api-key: …`, Anthropic's `x-api-key: …`). */
  readonly credential: { readonly header: string; readonly value: string } | undefined;
  /** Headers its API requires, sent when the client sent none (Anthropic: `anthropic-version`). */
  readonly fallbackHeaders: Readonly<Record<string, string>>;
  readonly pool: UndiciPool;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/** The Messages API version a client that names none gets: the one every Anthropic SDK and Claude Code send. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
const ANTHROPIC_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'anthropic-version': DEFAULT_ANTHROPIC_VERSION });
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** The configured apiKey as its header: by `apiKeyHeader`, else by the upstream's API (Anthropic takes `x-api-key`, the rest a Bearer token). */
function credentialOf(config: UpstreamConfig): Upstream['credential'] {
  if (config.apiKey === undefined) return undefined;
  const header = config.apiKeyHeader ?? (config.api === 'anthropic' ? 'x-api-key' : 'authorization');
  return header === 'authorization' ? { header, value: `Bearer ${config.apiKey}` } : { header, value: config.apiKey };
}

export interface UpstreamRequest {
  readonly method: string;
  /** Path below the base URL, with query, e.g. `/chat/completions`. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | null;
  readonly signal: AbortSignal;
  readonly headersTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** A streamed call: a first-byte timeout is then the upstream hanging, and counts against its breaker. */
  readonly stream?: boolean;
}

export class UpstreamRegistry {
  private readonly byName = new Map<string, Upstream>();
  readonly defaultUpstream: Upstream;

  constructor(configs: readonly UpstreamConfig[]) {
    for (const config of configs) {
      const url = new URL(config.baseUrl);
      const pool = new Pool(url.origin, {
        connections: config.pool.connections,
        pipelining: 1,
        keepAliveTimeout: config.pool.keepAliveTimeoutMs,
        keepAliveMaxTimeout: config.pool.keepAliveTimeoutMs,
        connect: { timeout: config.timeouts.connectMs },
        headersTimeout: config.timeouts.firstByteMs,
        bodyTimeout: config.timeouts.idleMs,
      });
      this.byName.set(config.name, {
        name: config.name,
        config,
        origin: url.origin,
        basePath: url.pathname.replace(/\/+$/, ''),
        api: config.api,
        credential: credentialOf(config),
        fallbackHeaders: config.api === 'anthropic' ? ANTHROPIC_HEADERS : NO_HEADERS,
        pool,
      });
    }
    const first = this.byName.get(configs[0]!.name);
    if (first === undefined) throw new Error('at least one upstream is required');
    this.defaultUpstream = first;
  }

  get(name: string): Upstream {
    const upstream = this.byName.get(name);
    if (upstream === undefined) throw new Error(`unknown upstream ${name}`);
    return upstream;
  }

  all(): Upstream[] {
    return [...this.byName.values()];
  }

  /** Sends one request; resolves at response headers with the body as a stream. */
  send(upstream: Upstream, request: UpstreamRequest): Promise<UpstreamResponse> {
    return poolRequest.call(upstream.pool, {
      method: request.method as Dispatcher.HttpMethod,
      path: upstream.basePath + request.path,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      headersTimeout: request.headersTimeoutMs,
      bodyTimeout: request.idleTimeoutMs,
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((upstream) => upstream.pool.close()));
  }

  destroy(): Promise<void> {
    return Promise.all(this.all().map((upstream) => upstream.pool.destroy())).then(() => undefined);
  }
}
