import { distance as editDistance } from 'fastest-levenshtein';
import type { ZodType } from './schema.js';

/** What zod keeps of a schema node; enough to walk down to the object at an issue's path. */
interface Def {
  readonly type: string;
  readonly shape?: Record<string, ZodType>;
  readonly innerType?: ZodType;
  readonly element?: ZodType;
  readonly valueType?: ZodType;
  readonly in?: ZodType;
}

function defOf(schema: ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The keys the object schema at `path` accepts (wrappers, lists and maps are stepped through). */
export function knownKeys(schema: ZodType, path: readonly PropertyKey[]): string[] {
  let node: ZodType | undefined = schema;
  let index = 0;
  while (node !== undefined) {
    const def = defOf(node);
    if (def.innerType !== undefined) node = def.innerType;
    else if (def.type === 'pipe') node = def.in;
    else if (index === path.length) return def.shape === undefined ? [] : Object.keys(def.shape);
    else if (def.type === 'object') node = def.shape?.[String(path[index++])];
    else if (def.type === 'array') (node = def.element), index++;
    else if (def.type === 'record') (node = def.valueType), index++;
    else return [];
  }
  return [];
}

/** The known key closest to a misspelt one (case-insensitive edit distance ≤ a third of its length), if any. */
export function suggestKey(schema: ZodType, path: readonly PropertyKey[], unknown: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(unknown.length / 3)) + 1;
  for (const candidate of knownKeys(schema, path)) {
    const distance = editDistance(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
