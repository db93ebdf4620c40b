import { modelGlob } from './globs.js';
import type { ClientDisconnect, Config, RouteTimeouts, UpstreamConfig } from '../config/schema.js';
import type { RouteTarget } from '../pipeline/context.js';

export type ApiName = UpstreamConfig['api'];

interface CompiledRoute {
  readonly matches: (model: string) => boolean;
  /** The API all its targets speak (config refuses a route that mixes them). */
  readonly api: ApiName;
  readonly targets: readonly { upstream: string; model: string | undefined }[];
  readonly timeouts: RouteTimeouts | undefined;
  readonly onClientDisconnect: ClientDisconnect | undefined;
}

/** Why a model has no plan: no route (of any API) matches it, or only routes of another API, or no upstream speaks the request's API. */
export type NoPlan = { readonly reason: 'no_route' } | { readonly reason: 'other_api'; readonly api: ApiName } | { readonly reason: 'no_upstream' };

/**
 * Model-name globs compiled once at start. A request takes the first route of its own API that
 * matches (a request never reaches an upstream of another API: nothing is translated); without
 * routes, the first upstream of its API.
 */
export class RouteTable {
  private readonly routes: readonly CompiledRoute[];
  private readonly firstUpstream: ReadonlyMap<ApiName, string>;
  private readonly patterns: readonly string[];

  constructor(config: Pick<Config, 'routes' | 'upstreams'>) {
    const apis = new Map(config.upstreams.map((upstream) => [upstream.name, upstream.api]));
    const first = new Map<ApiName, string>();
    for (const upstream of config.upstreams) if (!first.has(upstream.api)) first.set(upstream.api, upstream.name);
    this.firstUpstream = first;
    this.patterns = config.routes.map((route) => route.match);
    this.routes = config.routes.map((route) => ({
      matches: modelGlob(route.match),
      api: apis.get(route.targets[0]!.upstream) ?? 'openai',
      targets: route.targets.map((target) => ({ upstream: target.upstream, model: target.model })),
      timeouts: route.timeouts,
      onClientDisconnect: route.onClientDisconnect,
    }));
  }

  /** Ordered targets for a model asked through `api`, or why there are none. */
  plan(model: string, api: ApiName): RouteTarget[] | NoPlan {
    if (this.routes.length === 0) {
      const upstream = this.firstUpstream.get(api);
      return upstream === undefined ? { reason: 'no_upstream' } : [{ upstream, model }];
    }
    let other: ApiName | undefined;
    for (const route of this.routes) {
      if (!route.matches(model)) continue;
      if (route.api !== api) {
        other ??= route.api;
        continue;
      }
      return route.targets.map((target) => ({ upstream: target.upstream, model: target.model ?? model, timeouts: route.timeouts, onClientDisconnect: route.onClientDisconnect }));
    }
    return other === undefined ? { reason: 'no_route' } : { reason: 'other_api', api: other };
  }

  /** Model names a client can ask for by exact name: route patterns without glob characters and renamed target models. */
  knownModels(): string[] {
    const names = new Set<string>();
    for (const route of this.patterns) if (!/[*?[\]{}]/.test(route)) names.add(route);
    for (const route of this.routes) for (const target of route.targets) if (target.model !== undefined) names.add(target.model);
    return [...names];
  }
}
