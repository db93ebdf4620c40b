import { modelGlob } from './globs.js';
import type { Config, RouteTimeouts } from '../config/schema.js';
import type { MatchedRoute, RouteTarget } from '../pipeline/context.js';

interface CompiledRoute {
  readonly matches: (model: string) => boolean;
  readonly route: MatchedRoute;
  readonly targets: readonly { upstream: string; model: string | undefined; weight: number }[];
  readonly timeouts: RouteTimeouts | undefined;
}

/** The route a model matched, and its targets in configured order. */
export interface RouteMatch {
  readonly route: MatchedRoute;
  readonly plan: RouteTarget[];
}

/** The label of the one implicit route when none are configured (every model, to the first upstream). */
export const IMPLICIT_ROUTE_LABEL = '*';

const IMPLICIT: MatchedRoute = Object.freeze({ label: IMPLICIT_ROUTE_LABEL, strategy: 'fallback', affinity: 'none', policy: undefined, cache: undefined });

/** Model-name globs compiled once at start; first matching route wins. */
export class RouteTable {
  private readonly routes: readonly CompiledRoute[];
  private readonly defaultUpstream: string;
  private readonly patterns: readonly string[];

  constructor(config: Pick<Config, 'routes' | 'upstreams'>) {
    this.defaultUpstream = config.upstreams[0]!.name;
    this.patterns = config.routes.map((route) => route.match);
    this.routes = config.routes.map((route) => ({
      matches: modelGlob(route.match),
      route: Object.freeze({ label: route.match, strategy: route.strategy, affinity: route.affinity, policy: route.policy, cache: route.cache }),
      targets: route.targets.map((target) => ({ upstream: target.upstream, model: target.model, weight: target.weight })),
      timeouts: route.timeouts,
    }));
  }

  /** The route of a model and its targets in configured order, or undefined when routes are configured and none matches. */
  match(model: string): RouteMatch | undefined {
    if (this.routes.length === 0) return { route: IMPLICIT, plan: [{ upstream: this.defaultUpstream, model }] };
    const compiled = this.routes.find((candidate) => candidate.matches(model));
    if (compiled === undefined) return undefined;
    const { route, targets, timeouts } = compiled;
    return { route, plan: targets.map((target) => ({ upstream: target.upstream, model: target.model ?? model, timeouts, weight: target.weight })) };
  }

  /** Model names a client can ask for by exact name: route patterns without glob characters and renamed target models. */
  knownModels(): string[] {
    const names = new Set<string>();
    for (const route of this.patterns) if (!/[*?[\]{}]/.test(route)) names.add(route);
    for (const route of this.routes) for (const target of route.targets) if (target.model !== undefined) names.add(target.model);
    return [...names];
  }
}
