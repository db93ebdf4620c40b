import { configJsonSchema } from './schema.js';

type JsonSchema = Record<string, unknown>;

/** `${NAME}`: the chart's values may take any string from the environment (a Secret) instead. */
const ENV_REF = '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$';

/** Fields the chart writes itself from its own values: setting them in `config` is an error. */
const CHART_OWNED: ReadonlyArray<[path: string[], from: string]> = [
  [['server', 'port'], '`port`'],
  [['server', 'adminPort'], '`adminPort`'],
  [['server', 'drainTimeoutMs'], '`drainTimeoutSeconds`'],
  [['state', 'redisUrl'], '`redis`'],
];

/**
 * The `config` value of the Helm chart's values.schema.json, from THE config schema (strict: an
 * unknown key is an error at `helm install`, not at the pod's start), with what the chart changes:
 * the fields it owns are refused, an upstream key may only come from a Secret (`${NAME}`), and a
 * string with a pattern may be `${NAME}` too. `npm run chart:schema` writes it; a test compares.
 */
export function chartConfigSchema(): JsonSchema {
  const schema = structuredClone(configJsonSchema()) as JsonSchema;
  delete schema['$schema'];
  allowEnvRefs(schema);
  for (const [path, from] of CHART_OWNED) replace(propertyAt(schema, path), { not: {}, description: `Set by the chart from ${from}.` });
  replace(propertyAt(schema, ['upstreams', '[]', 'apiKey']), { type: 'string', pattern: ENV_REF, description: 'Only as ${ENV_VAR} from secretEnv: never a literal key.' });
  schema['description'] = 'Gateway configuration (docs/configuration.md), as strict as the gateway: an unknown key is an error.';
  return schema;
}

function propertyAt(schema: JsonSchema, path: string[]): JsonSchema {
  let node = schema;
  for (const step of path) {
    node = (step === '[]' ? node['items'] : (node['properties'] as Record<string, JsonSchema>)[step]) as JsonSchema;
    if (node === undefined) throw new Error(`config schema has no ${path.join('.')}`);
  }
  return node;
}

/** A string with a pattern or format accepts `${NAME}` as well (the gateway substitutes it at start). */
function allowEnvRefs(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(allowEnvRefs);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as JsonSchema;
  for (const value of Object.values(schema)) allowEnvRefs(value);
  if (schema['type'] === 'string' && (schema['pattern'] !== undefined || schema['format'] !== undefined)) {
    const own: JsonSchema = {};
    for (const key of ['type', 'pattern', 'format', 'minLength', 'maxLength']) {
      if (schema[key] === undefined) continue;
      own[key] = schema[key];
      delete schema[key];
    }
    schema['anyOf'] = [own, { type: 'string', pattern: ENV_REF }];
  }
}

/** Swaps a property's schema in place (its parent keeps the same object). */
function replace(node: JsonSchema, by: JsonSchema): void {
  for (const key of Object.keys(node)) delete node[key];
  Object.assign(node, by);
}
