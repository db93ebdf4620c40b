/** Label value for every model outside the bounded set. */
export const OTHER_MODEL = 'other';

/**
 * The bounded set of `model` label values: models named in config routes and targets, in the price
 * table, and in `telemetry.modelLabels`. A client can send any model name; anything else becomes
 * `other`, so a typo loop or a hostile client cannot grow the series count without bound.
 */
export class ModelLabels {
  private readonly known: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.known = new Set(names);
  }

  /** `""` for requests without a model (passthrough, /v1/models, failures before the body was read). */
  of(model: string | undefined): string {
    if (model === undefined) return '';
    return this.known.has(model) ? model : OTHER_MODEL;
  }

  get size(): number {
    return this.known.size;
  }
}

/** Exact model names in routes (glob-free patterns and renamed targets). Globs match unbounded names, so they add nothing. */
export function modelsNamedInRoutes(routes: readonly { match: string; targets: readonly { model?: string | undefined }[] }[]): string[] {
  const names: string[] = [];
  for (const route of routes) {
    if (!/[*?[\]{}]/.test(route.match)) names.push(route.match);
    for (const target of route.targets) if (target.model !== undefined) names.push(target.model);
  }
  return names;
}
