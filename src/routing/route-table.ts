import { modelGlob } from './globs.js';
import type { ClientDisconnect, Config, RouteTimeouts } from '../config/schema.js';
import type { RouteTarget } from '../pipeline/context.js';

interface CompiledRoute {
  readonly matches: (model: string) => boolean;
  readonly targets: readonly { upstream: string; model: string | undefined }[];
  readonly timeouts: RouteTimeouts | undefined;
  readonly onClientDisconnect: ClientDisconnect | undefined;
}

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
      targets: route.targets.map((target) => ({ upstream: target.upstream, model: target.model })),
      timeouts: route.timeouts,
      onClientDisconnect: route.onClientDisconnect,
    }));
  }

  /** Ordered targets for a model, or undefined when routes are configured and none matches. */
  plan(model: string): RouteTarget[] | undefined {
    if (this.routes.length === 0) return [{ upstream: this.defaultUpstream, model }];
    const route = this.routes.find((candidate) => candidate.matches(model));
    if (route === undefined) return undefined;
    return route.targets.map((target) => ({ upstream: target.upstream, model: target.model ?? model, timeouts: route.timeouts, onClientDisconnect: route.onClientDisconnect }));
  }

  /** Model names a client can ask for by exact name: route patterns without glob characters and renamed target models. */
  knownModels(): string[] {
    const names = new Set<string>();
    for (const route of this.patterns) if (!/[*?[\]{}]/.test(route)) names.add(route);
    for (const route of this.routes) for (const target of route.targets) if (target.model !== undefined) names.add(target.model);
    return [...names];
  }
}
