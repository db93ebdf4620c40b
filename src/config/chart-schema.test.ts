import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { chartConfigSchema } from './chart-schema.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(chartConfigSchema());
const upstreams = [{ name: 'openai', baseUrl: 'https://api.openai.com/v1' }];

describe('chartConfigSchema: the config schema as the chart sees it', () => {
  it('accepts a config the gateway accepts, with ${NAME} where a string has a pattern', () => {
    expect(validate({ upstreams: [{ ...upstreams[0], apiKey: '${OPENAI_API_KEY}' }], keys: [{ name: 'team-a', hash: '${TEAM_A_KEY_HASH}' }] }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ upstreams, keys: [{ name: 'team-a', hash: `sha256:${'a'.repeat(64)}`, allowedModels: ['gpt-4o*'] }] })).toBe(true);
  });

  it('refuses what the gateway refuses: an unknown or misspelt key, a wrong type', () => {
    expect(validate({ upstreams, retries: { maxAttempts: 3 } })).toBe(false);
    expect(validate({ upstreams: [{ ...upstreams[0], timeouts: { firstByte: 5 } }] })).toBe(false);
    expect(validate({ upstreams, keys: [{ name: 'a', hash: 'md5:00' }] })).toBe(false);
  });

  it('refuses what the chart owns, and a literal upstream key', () => {
    expect(validate({ upstreams, server: { port: 9000 } })).toBe(false);
    expect(validate({ upstreams, state: { redisUrl: 'redis://x:6379' } })).toBe(false);
    expect(validate({ upstreams: [{ ...upstreams[0], apiKey: 'sk-live-123' }] })).toBe(false);
  });
});
