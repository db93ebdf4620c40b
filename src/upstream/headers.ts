import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Upstream } from './pools.js';

/** RFC 9110 hop-by-hop headers plus the ones the gateway sets itself. */
const REQUEST_DROP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'host', 'content-length', 'expect', 'accept-encoding', 'traceparent', 'tracestate',
]);

/** Headers that carry client credentials; dropped when the upstream has its own key. */
export const CLIENT_CREDENTIALS: ReadonlySet<string> = new Set(['authorization', 'api-key', 'x-api-key']);

/**
 * Client headers that choose which OpenAI organization or project is billed. When the gateway injects
 * its own key, the operator decides that (`upstreams[].headers`), not the client.
 */
export const CLIENT_BILLING_SELECTORS: ReadonlySet<string> = new Set(['openai-organization', 'openai-project']);

/**
 * The client's credentials never go upstream when they are gateway keys, or when the upstream has a
 * key of its own. One rule for understood calls and for passthrough.
 */
export function stripsClientCredentials(upstream: Upstream, gatewayKeys: boolean): boolean {
  return gatewayKeys || upstream.credential !== undefined;
}

const RESPONSE_DROP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

/**
 * Headers sent upstream for an understood request. The client's credentials and its organization or
 * project choice go upstream only when the upstream has no key of its own; the headers its API
 * requires (`anthropic-version`) when the client sent none; `accept-encoding: identity` so usage can
 * be read from the answer. Everything else the client sent (`anthropic-beta`...) goes along.
 */
export function upstreamRequestHeaders(client: IncomingHttpHeaders, upstream: Upstream, traceparent: string | undefined, dropClientCredentials: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const connectionListed = listedInConnection(client.connection);
  const stripCredentials = stripsClientCredentials(upstream, dropClientCredentials);
  const injectsKey = upstream.credential !== undefined;
  for (const name in client) {
    if (REQUEST_DROP.has(name) || connectionListed?.has(name) === true) continue;
    if (stripCredentials && CLIENT_CREDENTIALS.has(name)) continue;
    if (injectsKey && CLIENT_BILLING_SELECTORS.has(name)) continue;
    if (name.startsWith('x-breakwater-')) continue;
    const value = client[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  for (const name in upstream.fallbackHeaders) out[name] ??= upstream.fallbackHeaders[name]!;
  for (const [name, value] of Object.entries(upstream.config.headers)) out[name.toLowerCase()] = value;
  if (upstream.credential !== undefined) out[upstream.credential.header] = upstream.credential.value;
  out['accept-encoding'] = 'identity';
  if (traceparent !== undefined) out.traceparent = traceparent;
  return out;
}

/** Upstream response headers to pass to the client, hop-by-hop removed. */
export function clientResponseHeaders(upstream: IncomingHttpHeaders, dropContentLength: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    if (RESPONSE_DROP.has(name)) continue;
    if (dropContentLength && name === 'content-length') continue;
    const value = upstream[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function listedInConnection(value: string | undefined): Set<string> | undefined {
  if (value === undefined || value === 'keep-alive' || value === 'close') return undefined;
  return new Set(value.split(',').map((token) => token.trim().toLowerCase()));
}
