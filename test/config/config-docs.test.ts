import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderConfigDocs } from '../../src/config/docs.ts';
import { parseConfig } from '../../src/config/load.ts';

describe('configuration docs', () => {
  it('when the schema changes, then docs/configuration.md is regenerated (npm run docs:config)', () => {
    expect(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).toBe(renderConfigDocs());
  });

  it('when the example config is loaded, then it is valid and documents every top-level key', () => {
    const text = readFileSync(new URL('../../config/breakwater.example.yaml', import.meta.url), 'utf8');
    const raw = parse(text) as Record<string, unknown>;
    const env = { OPENAI_API_KEY: 'sk-example', AZURE_OPENAI_API_KEY: 'az-example', REDIS_URL: 'redis://127.0.0.1:6379' };
    // As written (0.0.0.0, upstream keys, no gateway keys) it is an open relay: refused until the operator decides.
    expect(() => parseConfig(raw, env)).toThrow(/server\.openRelay: upstream "openai" has an apiKey, no gateway keys/);
    const config = parseConfig({ ...raw, server: { ...(raw.server as object), host: '127.0.0.1' } }, env);
    for (const key of Object.keys(config)) expect(text).toContain(`${key}:`);
  });
});
