import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, pricingFileSchema, type Config, type ZodError, type ZodType } from './schema.js';
import { PriceTable } from '../usage/pricing.js';
import { suggestKey } from './suggest.js';

/** A config that failed validation; `issues` are `path: reason` lines. */
export class ConfigError extends Error {
  readonly issues: string[];
  constructor(source: string, issues: string[]) {
    super(`invalid config ${source}:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_ENV_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of the parsed YAML.
 * A value that is exactly `${NAME}` with NAME unset is dropped, so `apiKey: ${OPENAI_API_KEY}`
 * means "no key" when the variable is unset; the schema then says if the key was required.
 * An unset name inside a longer string is listed in `missing`.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[] = [], missing: string[] = [], unset: UnsetVariable[] = []): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_ENV_REFERENCE.exec(value);
    if (whole !== null) {
      const found = env[whole[1] as string];
      if (found !== undefined && found !== '') return found;
      unset.push({ path: path.join('.'), variable: whole[1] as string });
      return undefined;
    }
    return value.replace(ENV_REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      missing.push(`${path.join('.') || '(root)'}: environment variable ${name} is not set`);
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, String(index)], missing, unset));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const interpolated = interpolateEnv(item, env, [...path, key], missing, unset);
      if (interpolated !== undefined) out[key] = interpolated;
    }
    return out;
  }
  return value;
}

/**
 * `path: reason` lines. Every object of the schema is strict, so a misspelt key is an error; it is
 * reported at its own path with the closest known key (`limits.dailyBudgetUSD: unknown key, did you
 * mean "dailyBudgetUsd"?`).
 */
function formatIssues(error: ZodError, schema: ZodType): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const suggestion = suggestKey(schema, issue.path, key);
        return `${pathOf([...issue.path, key])}: unknown key${suggestion === undefined ? '' : `, did you mean "${suggestion}"?`}`;
      });
    }
    return [`${pathOf(issue.path)}: ${issue.message}`];
  });
}

/** `a.b.0.c`; a key that is not a plain name shows as a JSON string (colons escaped), so every line still reads `path: reason`. */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((segment) => (typeof segment === 'string' && !/^[\w-]+$/.test(segment) ? JSON.stringify(segment).replaceAll(':', '\\u003a') : String(segment))).join('.');
}

/** A value that was exactly `${NAME}` with NAME unset, so the key took its default. */
export interface UnsetVariable {
  readonly path: string;
  readonly variable: string;
}

export interface LoadedConfig {
  readonly config: Config;
  /** Worth a warning at start: the operator named a variable that is not there. */
  readonly unsetVariables: readonly UnsetVariable[];
}

/** Validates an already-parsed config object; throws ConfigError listing every violation. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}, source = '(inline)'): Config {
  return parseConfigWithNotes(raw, env, source).config;
}

function parseConfigWithNotes(raw: unknown, env: NodeJS.ProcessEnv, source: string): LoadedConfig {
  const missing: string[] = [];
  const unsetVariables: UnsetVariable[] = [];
  const interpolated = interpolateEnv(raw ?? {}, env, [], missing, unsetVariables);
  const result = configSchema.safeParse(interpolated);
  if (!result.success) throw new ConfigError(source, [...missing, ...formatIssues(result.error, configSchema)]);
  if (missing.length > 0) throw new ConfigError(source, missing);
  return { config: deepFreeze(result.data), unsetVariables };
}

export interface LoadOptions {
  /** Config file path; absent: zero-config (every default). */
  readonly file: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** `--port` or `PORT`, which win over `server.port`. */
  readonly port: number | undefined;
}

/** The one entry point: file (or nothing), environment, CLI overrides; validated once and frozen. */
export function loadConfig(options: LoadOptions): LoadedConfig {
  const raw = options.file === undefined ? {} : readYaml(options.file);
  const source = options.file ?? '(zero-config)';
  if (options.port !== undefined) {
    const object = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const server = typeof object.server === 'object' && object.server !== null ? object.server : {};
    return parseConfigWithNotes({ ...object, server: { ...server, port: options.port } }, options.env, source);
  }
  return parseConfigWithNotes(raw, options.env, source);
}

/** What an unset variable means for the gateway, in the words of a start-up warning. */
export function unsetConsequence(unset: UnsetVariable): string {
  if (unset.path === 'state.redisUrl') return 'shared state is off: limits, concurrency, ownership and runs are counted per replica, not across replicas';
  if (/^upstreams\.\d+\.apiKey$/.test(unset.path)) return "no upstream key is injected: each client's own key is passed through";
  return 'the key takes its default';
}

/** Reads the bundled price list (or `pricing.file`), validated like the config, and applies `pricing.models` on top. */
export function loadPriceTable(config: Config, bundledPath: string): PriceTable {
  const path = config.pricing.file ?? bundledPath;
  return new PriceTable({ ...parsePriceFile(readYaml(path), path), ...config.pricing.models });
}

/** The `models:` map of a parsed price file; throws ConfigError listing every bad `path: reason`. */
export function parsePriceFile(raw: unknown, source: string): Config['pricing']['models'] {
  const result = pricingFileSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(source, formatIssues(result.error, pricingFileSchema));
  return result.data.models;
}

/** The one YAML reader: config and price files. */
export function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`(file): cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (error) {
    throw new ConfigError(path, [`(yaml): ${(error as Error).message.split('\n')[0]}`]);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
