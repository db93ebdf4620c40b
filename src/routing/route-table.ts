import { modelGlob } from './globs.js';
import type { ClientDisconnect, Config, RouteTimeouts, UpstreamConfig } from '../config/schema.js';
import type { MatchedRoute, RouteTarget } from '../pipeline/context.js';

export type ApiName = UpstreamConfig['api'];

interface CompiledRoute {
  readonly matches: (model: string) => boolean;
  /** The API all its targets speak (config refuses a route that mixes them). */
  readonly api: ApiName;
  readonly route: MatchedRoute;
  readonly targets: readonly { upstream: string; model: string | undefined; weight: number }[];
  readonly timeouts: RouteTimeouts | undefined;
  readonly onClientDisconnect: ClientDisconnect | undefined;
}

/** The route a model matched, and its targets in configured order. */
export interface RouteMatch {
  readonly route: MatchedRoute;
  readonly plan: RouteTarget[];
}

/** Why a model has no plan: no route (of any API) matches it, or only routes of another API, or no upstream speaks the request's API. */
export type NoPlan = { readonly reason: 'no_route' } | { readonly reason: 'other_api'; readonly api: ApiName } | { readonly reason: 'no_upstream' };

/** The label of the one implicit route (per API) when none are configured: every model, to the first upstream of its API. */
export const IMPLICIT_ROUTE_LABEL = '*';

const IMPLICIT: MatchedRoute = Object.freeze({ label: IMPLICIT_ROUTE_LABEL, strategy: 'fallback', affinity: 'none', policy: undefined, cache: undefined });

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
      route: Object.freeze({ label: route.match, strategy: route.strategy, affinity: route.affinity, policy: route.policy, cache: route.cache }),
      targets: route.targets.map((target) => ({ upstream: target.upstream, model: target.model, weight: target.weight })),
      timeouts: route.timeouts,
      onClientDisconnect: route.onClientDisconnect,
    }));
  }

  /** The route of a model asked through `api` and its targets in configured order, or why there is none. */
  match(model: string, api: ApiName): RouteMatch | NoPlan {
    if (this.routes.length === 0) {
      const upstream = this.firstUpstream.get(api);
      return upstream === undefined ? { reason: 'no_upstream' } : { route: IMPLICIT, plan: [{ upstream, model }] };
    }
    let other: ApiName | undefined;
    for (const compiled of this.routes) {
      if (!compiled.matches(model)) continue;
      if (compiled.api !== api) {
        other ??= compiled.api;
        continue;
      }
      const { route, targets, timeouts, onClientDisconnect } = compiled;
      return { route, plan: targets.map((target) => ({ upstream: target.upstream, model: target.model ?? model, timeouts, onClientDisconnect, weight: target.weight })) };
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
