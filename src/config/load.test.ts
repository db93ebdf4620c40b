import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, interpolateEnv, loadPriceTable, parseConfig, parsePriceFile } from './load.js';

function issuesOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

const HASH = `sha256:${'a'.repeat(64)}`;

describe('parseConfig', () => {
  it('when nothing is configured, then it is a zero-config passthrough to OpenAI and Anthropic on port 8300', () => {
    const config = parseConfig({});
    expect(config.server.port).toBe(8300);
    expect(config.upstreams).toHaveLength(2);
    expect(config.upstreams[0]).toMatchObject({ name: 'openai', api: 'openai', baseUrl: 'https://api.openai.com/v1' });
    expect(config.upstreams[1]).toMatchObject({ name: 'anthropic', api: 'anthropic', baseUrl: 'https://api.anthropic.com/v1' });
    expect(config.upstreams.map((upstream) => upstream.apiKey)).toEqual([undefined, undefined]);
    expect(config.routes).toEqual([]);
    expect(config.keys).toEqual([]);
    expect(config.telemetry.logPrompts).toBe(false);
  });

  it('when a value is valid, then defaults fill the rest and the result is frozen', () => {
    const config = parseConfig({ upstreams: [{ name: 'a', baseUrl: 'http://127.0.0.1:1/v1', timeouts: { connectMs: 10 } }] });
    expect(config.upstreams[0]!.timeouts).toEqual({ connectMs: 10, firstByteMs: 60_000, idleMs: 30_000, totalMs: 600_000 });
    expect(Object.isFrozen(config.upstreams[0]!.timeouts)).toBe(true);
  });

  it('when several keys are bad, then every violation is listed with its path and reason', () => {
    const issues = issuesOf({
      server: { port: 'eighty' },
      upstreams: [{ name: 'a', baseUrl: 'not a url' }],
      retry: { maxAttempts: 0 },
    });
    expect(issues.some((line) => line.startsWith('server.port: '))).toBe(true);
    expect(issues.some((line) => line.startsWith('upstreams.0.baseUrl: '))).toBe(true);
    expect(issues.some((line) => line.startsWith('retry.maxAttempts: '))).toBe(true);
  });

  it('when a route names an unknown upstream, then the target is named', () => {
    const issues = issuesOf({ upstreams: [{ name: 'a', baseUrl: 'http://x/v1' }], routes: [{ match: 'gpt-*', targets: [{ upstream: 'nope' }] }] });
    expect(issues).toContain('routes.0.targets.0.upstream: unknown upstream "nope"');
  });

  it('when a route mixes upstreams of the OpenAI and Anthropic APIs, then the route is named', () => {
    const issues = issuesOf({
      upstreams: [{ name: 'oa', baseUrl: 'http://x/v1' }, { name: 'an', api: 'anthropic', baseUrl: 'http://y/v1' }],
      routes: [{ match: 'claude-*', targets: [{ upstream: 'an' }] }, { match: '*', targets: [{ upstream: 'oa' }, { upstream: 'an' }] }],
    });
    expect(issues).toEqual(['routes.1.targets: mixes upstreams of the openai and anthropic APIs (oa: openai, an: anthropic); a route\'s targets must all speak one API, the gateway does not translate between them']);
  });

  it('when a weighted route has only weight-0 targets, or a policy writes model or stream, then the path is named', () => {
    const upstreams = [{ name: 'a', baseUrl: 'http://x/v1' }];
    expect(issuesOf({ upstreams, routes: [{ match: '*', strategy: 'weighted', targets: [{ upstream: 'a', weight: 0 }] }] })).toContain('routes.0.targets: a weighted route needs a target with a weight above 0');
    const issues = issuesOf({ upstreams, routes: [{ match: '*', targets: [{ upstream: 'a' }], policy: { defaults: { stream: true }, overrides: { model: 'x' } } }] });
    expect(issues).toContain('routes.0.policy.defaults.stream: a policy cannot set "stream": the route and the stream are decided on it');
    expect(issues).toContain('routes.0.policy.overrides.model: a policy cannot set "model": the route and the stream are decided on it');
  });

  it('when a top-level key is unknown, then it is rejected', () => {
    expect(issuesOf({ serverr: {} }).join('\n')).toMatch(/serverr/);
  });

  it('when two upstreams share a name, then the second is named', () => {
    const issues = issuesOf({ upstreams: [{ name: 'a', baseUrl: 'http://x/v1' }, { name: 'a', baseUrl: 'http://y/v1' }] });
    expect(issues).toContain('upstreams.1.name: duplicate upstream name "a"');
  });

  it('when gateway keys exist, then every upstream needs its own apiKey and hashes must be sha256', () => {
    const issues = issuesOf({ upstreams: [{ name: 'a', baseUrl: 'http://x/v1' }], keys: [{ name: 'k', hash: 'plaintext-key' }] });
    expect(issues.some((line) => line.startsWith('upstreams.0.apiKey: required when gateway keys are configured'))).toBe(true);
    expect(issues.some((line) => line.startsWith('keys.0.hash: must be sha256:'))).toBe(true);
  });

  it('when keys are valid, then limits are kept', () => {
    const config = parseConfig({ upstreams: [{ name: 'a', baseUrl: 'http://x/v1', apiKey: 'k' }], keys: [{ name: 'team-a', hash: HASH, limits: { rpm: 5 } }] });
    expect(config.keys[0]!.limits.rpm).toBe(5);
  });
});

describe('environment interpolation', () => {
  it('when ${NAME} is set, then it is substituted, also inside longer strings and with defaults', () => {
    const config = parseConfig(
      { upstreams: [{ name: 'a', baseUrl: 'http://${HOST}:${PORT:-9000}/v1', apiKey: '${KEY}' }], server: { host: '127.0.0.1' } },
      { HOST: 'example.test', KEY: 'sk-123' },
    );
    expect(config.upstreams[0]!.baseUrl).toBe('http://example.test:9000/v1');
    expect(config.upstreams[0]!.apiKey).toBe('sk-123');
  });

  it('when a whole value names an unset variable, then the key is dropped', () => {
    const config = parseConfig({ upstreams: [{ name: 'a', baseUrl: 'http://x/v1', apiKey: '${UNSET_KEY}' }], state: { redisUrl: '${REDIS_URL}' } }, {});
    expect(config.upstreams[0]!.apiKey).toBeUndefined();
    expect(config.state.redisUrl).toBeUndefined();
  });

  it('when an unset variable is part of a longer string, then its path is named', () => {
    expect(issuesOf({ upstreams: [{ name: 'a', baseUrl: 'http://${NOPE}/v1' }] })).toContain('upstreams.0.baseUrl: environment variable NOPE is not set');
  });

  it('when values are nested in lists, then interpolation reaches them', () => {
    expect(interpolateEnv({ a: ['${X}', { b: 'x-${X}' }] }, { X: '1' })).toEqual({ a: ['1', { b: 'x-1' }] });
  });
});

describe('strict objects', () => {
  it('when a nested key is misspelt, then its full path is named with the closest known key', () => {
    const issues = issuesOf({
      upstreams: [{ name: 'a', baseUrl: 'http://x/v1', apiKey: 'k', timeouts: { firstbyteMs: 10 } }],
      keys: [{ name: 'k', hash: HASH, limits: { dailyBudgetUSD: 5 } }],
    });
    expect(issues).toContain('upstreams.0.timeouts.firstbyteMs: unknown key, did you mean "firstByteMs"?');
    expect(issues).toContain('keys.0.limits.dailyBudgetUSD: unknown key, did you mean "dailyBudgetUsd"?');
  });

  it('when an unknown key resembles nothing, then no suggestion is made', () => {
    expect(issuesOf({ server: { colour: 'blue' } })).toContain('server.colour: unknown key');
  });

  it('when a route target or retry has an extra key, then it is refused too', () => {
    const issues = issuesOf({ upstreams: [{ name: 'a', baseUrl: 'http://x/v1' }], routes: [{ match: '*', targets: [{ upstream: 'a', weigth: 2 }] }], retry: { maxAttempt: 2 } });
    expect(issues.some((line) => line.startsWith('routes.0.targets.0.weigth: unknown key'))).toBe(true);
    expect(issues).toContain('retry.maxAttempt: unknown key, did you mean "maxAttempts"?');
  });
});

describe('price files', () => {
  it('when entries are bad, then every path is listed with its reason', () => {
    let issues: string[] = [];
    try {
      parsePriceFile({ models: { 'gpt-x': { input: -1, output: 2 }, 'gpt-y': { input: 1 }, 'gpt-z': { input: 1, output: 1, cachedInputs: 1 } } }, 'bad.yaml');
    } catch (error) {
      issues = (error as ConfigError).issues;
    }
    expect(issues.some((line) => line.startsWith('models.gpt-x.input: '))).toBe(true);
    expect(issues.some((line) => line.startsWith('models.gpt-y.output: '))).toBe(true);
    expect(issues).toContain('models.gpt-z.cachedInputs: unknown key, did you mean "cachedInput"?');
  });

  it('when the file is not YAML or has no models, then it is refused with its name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-prices-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'models: [');
    expect(() => loadPriceTable(parseConfig({ pricing: { file: broken } }), broken)).toThrow(/broken\.yaml[\s\S]*\(yaml\)/);
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    expect(() => loadPriceTable(parseConfig({ pricing: { file: empty } }), empty)).toThrow(/models: /);
  });

  it('when pricing.models is set, then it replaces and adds entries over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-prices-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, 'models:\n  gpt-4o: { input: 2.5, output: 10 }\n');
    const table = loadPriceTable(parseConfig({ pricing: { file, models: { 'gpt-4o': { input: 1, output: 2 }, 'my-model': { input: 3, output: 4 } } } }), file);
    expect(table.lookup('gpt-4o-2024-08-06')).toEqual({ input: 1, output: 2 });
    expect(table.lookup('my-model')?.output).toBe(4);
  });
});

describe('open relays', () => {
  const upstreams = [{ name: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-paid' }];

  it('when an injected key, no gateway keys and a public address meet, then start-up is refused with what to do', () => {
    const issues = issuesOf({ upstreams });
    expect(issues.join('\n')).toMatch(/^server\.openRelay: upstream "openai" has an apiKey, no gateway keys are configured, and server\.host 0\.0\.0\.0 is not loopback/m);
  });

  it('when it listens on loopback, has gateway keys, passes client keys, or says openRelay, then it starts', () => {
    expect(() => parseConfig({ upstreams, server: { host: '127.0.0.1' } })).not.toThrow();
    expect(() => parseConfig({ upstreams, server: { host: '::1' } })).not.toThrow();
    expect(() => parseConfig({ upstreams, keys: [{ name: 'k', hash: HASH }] })).not.toThrow();
    expect(() => parseConfig({ upstreams: [{ name: 'openai', baseUrl: 'https://api.openai.com/v1' }] })).not.toThrow();
    expect(() => parseConfig({ upstreams, server: { openRelay: true } })).not.toThrow();
  });
});
