import { Pool, type Dispatcher } from 'undici';
import type { UpstreamConfig } from '../config/schema.js';

/** An upstream with its connection pool; the only place that imports undici. */
export interface Upstream {
  readonly name: string;
  readonly config: UpstreamConfig;
  /** scheme://host:port */
  readonly origin: string;
  /** Path prefix of the base URL without trailing slash, e.g. `/v1`. */
  readonly basePath: string;
  /** The header carrying the configured apiKey (`authorization: Bearer …` or Azure's `api-key: …`). */
  readonly credential: { readonly header: string; readonly value: string } | undefined;
  readonly pool: Pool;
}

export type UpstreamResponse = Dispatcher.ResponseData;

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
        credential: config.apiKey === undefined ? undefined : config.apiKeyHeader === 'api-key' ? { header: 'api-key', value: config.apiKey } : { header: 'authorization', value: `Bearer ${config.apiKey}` },
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
    return upstream.pool.request({
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
