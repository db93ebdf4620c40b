import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { ANONYMOUS, type KeyStore } from './key-store.js';

/** Query parameters that look like credentials: a key in a URL ends up in logs and caches, so it is refused. */
const KEY_QUERY = /[?&](api[-_]?key|key|access[-_]?token|token)=/i;

/**
 * Who is calling: a gateway key when keys are configured, otherwise anonymous (open passthrough).
 * `own`: the gateway's own endpoints (`/breakwater/*`), where the admin key is also accepted; on the
 * model API the admin key is no gateway key.
 */
export function authStage(keys: KeyStore, scope: 'api' | 'own' = 'api') {
  return async function auth(ctx: RequestContext, next: Next): Promise<void> {
    ctx.principal = authenticate(keys, ctx.req.url, ctx.req.headers, scope);
    await next();
  };
}

export function authenticate(keys: KeyStore, url: string | undefined, headers: IncomingHttpHeaders, scope: 'api' | 'own'): RequestContext['principal'] {
  if (url !== undefined && KEY_QUERY.test(url)) {
    throw new GatewayError('key_in_query', 'API keys are not accepted in the URL; send them in the Authorization header');
  }
  // Without gateway keys a client's key is its own, for its upstream; only the admin key (when there is one) is looked at.
  if (!keys.enabled && !keys.hasAdmin) return ANONYMOUS;
  const presented = presentedKey(headers);
  if (!keys.enabled && presented === undefined) return ANONYMOUS;
  const principal = presented === undefined ? undefined : keys.find(presented);
  if (principal === undefined || (principal.admin && scope === 'api')) {
    // Without gateway keys any client key is the client's own, for its upstream: the caller is anonymous.
    if (!keys.enabled && principal === undefined) return ANONYMOUS;
    throw new GatewayError('invalid_api_key', presented === undefined ? 'You did not provide an API key. Send it as "Authorization: Bearer <key>" or "x-api-key: <key>".' : 'Incorrect API key provided.');
  }
  return principal;
}

/** The key a request presents: `Authorization: Bearer`, `api-key` or `x-api-key`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1];
  }
  const apiKey = headers['api-key'] ?? headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}
