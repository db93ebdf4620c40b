import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';

/** Handles one own endpoint; `params` are the pattern's capture groups. */
export type OwnHandler = (ctx: RequestContext, params: readonly string[]) => Promise<void>;

interface OwnRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: OwnHandler;
}

/**
 * The gateway's own endpoints, under `/breakwater/` (never under `/v1/`, which belongs to the
 * providers): each feature adds its routes at start (runs, calls...); they run after observe and
 * auth (which accepts the admin key here), so they are logged, metered and scoped like any call.
 */
export class OwnEndpoints {
  private readonly routes: OwnRoute[] = [];

  /** `pattern` is matched against the whole path (query excluded), e.g. `/^\/breakwater\/runs\/([^/]+)$/`. */
  add(method: string, pattern: RegExp, handler: OwnHandler): void {
    this.routes.push({ method, pattern, handler });
  }

  stage() {
    const routes = this.routes;
    return async function ownEndpoint(ctx: RequestContext, _next: Next): Promise<void> {
      let pathMatched = false;
      for (const route of routes) {
        const match = route.pattern.exec(ctx.path);
        if (match === null) continue;
        pathMatched = true;
        if (route.method !== ctx.req.method) continue;
        return route.handler(ctx, match.slice(1).map((param) => decodeURIComponent(param)));
      }
      throw new GatewayError('not_found', pathMatched ? `${ctx.req.method ?? ''} is not allowed on ${ctx.path.slice(0, 200)}` : `Unknown path ${ctx.path.slice(0, 200)}`);
    };
  }
}
