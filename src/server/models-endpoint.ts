import type { Next, RequestContext } from '../pipeline/context.js';
import type { AllowedModels } from '../policy/allowed-models.js';
import type { RouteTable } from '../routing/route-table.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../upstream/headers.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { SecretScrubber } from '../upstream/secrets.js';
import type { UpstreamRegistry } from '../upstream/pools.js';
import { classifyUpstreamStatus } from '../errors/classify.js';
import { answerJson, passUpstreamError } from './reply.js';

interface ModelEntry {
  id: string;
  object: string;
  created: number;
  owned_by: string;
}

/**
 * GET /v1/models: the union of the models config routes by exact name and the default upstream's own
 * list, less the models the calling key may not call (`keys[].allowedModels`).
 */
export function modelsStage(upstreams: UpstreamRegistry, routes: RouteTable, allowed: AllowedModels, gatewayKeys: boolean, scrubber: SecretScrubber) {
  return async function models(ctx: RequestContext, _next: Next): Promise<void> {
    const upstream = upstreams.defaultUpstream;
    const listed = new Map<string, ModelEntry>();
    let upstreamStatus = 0;
    let upstreamBody: Buffer | undefined;
    let upstreamHeaders: IncomingHttpHeaders = {};
    ctx.upstream.name = upstream.name;
    ctx.upstream.attempts = 1;
    try {
      const response = await upstreams.send(upstream, {
        method: 'GET',
        path: '/models',
        headers: upstreamRequestHeaders(ctx.req.headers, upstream, undefined, gatewayKeys),
        body: null,
        signal: AbortSignal.any([ctx.clientSignal, AbortSignal.timeout(upstream.config.timeouts.firstByteMs)]),
        headersTimeoutMs: upstream.config.timeouts.firstByteMs,
        idleTimeoutMs: upstream.config.timeouts.idleMs,
      });
      upstreamStatus = response.statusCode;
      upstreamHeaders = response.headers;
      upstreamBody = scrubber.body(Buffer.from(await response.body.arrayBuffer()));
      if (upstreamStatus === 200) for (const entry of parseList(upstreamBody)) listed.set(entry.id, entry);
    } catch {
      // Unreachable upstream: answer with the configured models alone.
    }
    for (const id of routes.knownModels()) {
      if (!listed.has(id)) listed.set(id, { id, object: 'model', created: 0, owned_by: 'breakwater' });
    }
    if (listed.size === 0 && upstreamStatus >= 400 && upstreamBody !== undefined) {
      // Nothing to offer and the upstream refused (e.g. a bad client key): let the client see why.
      const headers = scrubber.headers(clientResponseHeaders(upstreamHeaders, true));
      headers['content-type'] = 'application/json';
      passUpstreamError(ctx, classifyUpstreamStatus(upstreamStatus, ctx.api.upstreamErrorCode(upstreamBody)) ?? 'upstream_5xx', upstreamStatus, headers, upstreamBody);
      return;
    }
    const key = ctx.principal.name;
    answerJson(ctx, 200, { object: 'list', data: [...listed.values()].filter((entry) => allowed.allows(key, entry.id)) });
  };
}

function parseList(body: Buffer): ModelEntry[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data)) return [];
    return parsed.data.filter((entry): entry is ModelEntry => typeof (entry as { id?: unknown })?.id === 'string');
  } catch {
    return [];
  }
}
