import { configJsonSchema } from './schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
}

interface Row {
  key: string;
  type: string;
  defaultValue: string;
  description: string;
}

/** docs/configuration.md, rendered from THE schema so the two cannot drift (a test compares them). */
export function renderConfigDocs(): string {
  const schema = configJsonSchema() as JsonSchema;
  const rows: Row[] = [];
  walk(schema, '', rows);
  const table = rows.map((row) => `| \`${row.key}\` | ${row.type} | ${row.defaultValue} | ${row.description} |`).join('\n');
  return `# Configuration

<!-- Generated from src/config/schema.ts by \`npm run docs:config\`; test/config/config-docs.test.ts fails when it is stale. -->

Breakwater reads one YAML file, from \`--config FILE\` or \`BREAKWATER_CONFIG\`. Without one it runs
zero-config: a transparent passthrough to \`https://api.openai.com/v1\` (the OpenAI API) and
\`https://api.anthropic.com/v1\` (\`/v1/messages\`, for \`ANTHROPIC_BASE_URL\` clients) with the client's own
\`Authorization\` or \`x-api-key\`. \`--port\` and \`PORT\` win over \`server.port\`.

- \`\${NAME}\` and \`\${NAME:-default}\` are replaced from the environment. A value that is exactly
  \`\${NAME}\` with \`NAME\` unset is dropped, so \`apiKey: \${OPENAI_API_KEY}\` means "no key" when
  the variable is unset (and the schema says whether that key was required). An unset name inside a
  longer string is an error.
- The file is validated once at start. A bad file exits with status 2 and lists every violation as
  \`path: reason\`. Every object is strict: an unknown key anywhere is an error naming its path, with
  the closest known key when one is near (\`limits.dailyBudgetUSD: unknown key, did you mean
  "dailyBudgetUsd"?\`).
- \`config/breakwater.example.yaml\` shows every key with its default.

| key | type | default | meaning |
| --- | --- | --- | --- |
${table}
`;
}

function walk(node: JsonSchema, path: string, rows: Row[]): void {
  if (path !== '') rows.push({ key: path, type: typeOf(node), defaultValue: defaultOf(node), description: (node.description ?? '').replace(/\|/g, '\\|') });
  if (node.properties !== undefined) {
    for (const [name, child] of Object.entries(node.properties)) walk(child, path === '' ? name : `${path}.${name}`, rows);
  }
  if (node.items !== undefined && node.items.properties !== undefined) {
    for (const [name, child] of Object.entries(node.items.properties)) walk(child, `${path}[].${name}`, rows);
  }
  if (typeof node.additionalProperties === 'object' && node.additionalProperties.properties !== undefined) {
    for (const [name, child] of Object.entries(node.additionalProperties.properties)) walk(child, `${path}.<name>.${name}`, rows);
  }
}

function typeOf(node: JsonSchema): string {
  if (node.enum !== undefined) return node.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (node.anyOf !== undefined) return node.anyOf.map(typeOf).join(' \\| ');
  const type = Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
  if (type === 'array') return node.items?.properties !== undefined ? 'list of objects' : `list of ${typeOf(node.items ?? {})}`;
  if (type === 'object' && typeof node.additionalProperties === 'object') return `map of ${typeOf(node.additionalProperties)}`;
  return type;
}

function defaultOf(node: JsonSchema): string {
  if (node.default === undefined) return '';
  if (typeof node.default === 'object' && node.default !== null && Object.keys(node.default).length === 0) return '';
  return `\`${JSON.stringify(node.default)}\``;
}
