import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const run = (args: string[], input?: string) =>
  spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'dist/main.js'), ...args], { cwd: ROOT, encoding: 'utf8', input, env: { PATH: process.env.PATH ?? '' }, timeout: 10_000 });

describe('the breakwater CLI', () => {
  it('when the config file is bad, then it exits non-zero listing every path and reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: -1\nupstreams:\n  - name: a\n    baseUrl: nope\nretry:\n  maxAttempts: 99\n');
    const result = run(['--config', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(file);
    expect(result.stderr).toMatch(/server\.port: /);
    expect(result.stderr).toMatch(/upstreams\.0\.baseUrl: /);
    expect(result.stderr).toMatch(/retry\.maxAttempts: /);
  });

  it('when a nested key is misspelt, then it refuses to start and names the path with a suggestion', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'upstreams:\n  - name: a\n    baseUrl: http://127.0.0.1:9/v1\n    apiKey: sk-x\n    timeouts: { firstbyteMs: 10 }\nkeys:\n  - name: k\n    hash: sha256:' + 'a'.repeat(64) + '\n    limits: { dailyBudgetUSD: 5 }\n');
    const result = run(['--config', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('upstreams.0.timeouts.firstbyteMs: unknown key, did you mean "firstByteMs"?');
    expect(result.stderr).toContain('keys.0.limits.dailyBudgetUSD: unknown key, did you mean "dailyBudgetUsd"?');
  });

  it('when the config would make an open relay of a paid key, then it refuses to start and says what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    const file = join(dir, 'relay.yaml');
    writeFileSync(file, 'server: { host: 0.0.0.0, port: 0 }\nupstreams:\n  - name: openai\n    baseUrl: http://127.0.0.1:9/v1\n    apiKey: sk-paid-key-123456\n');
    const result = run(['--config', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('server.openRelay: upstream "openai" has an apiKey, no gateway keys are configured');
    expect(result.stderr).not.toContain('sk-paid-key-123456');
  });

  it('when the YAML does not parse, then it says so and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-cli-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'server: [unclosed\n');
    const result = run(['--config', file]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\(yaml\)/);
  });

  it('when the file does not exist, then it names it', () => {
    const result = run(['--config', '/nonexistent/breakwater.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('/nonexistent/breakwater.yaml');
  });

  it('when asked to hash a key, then it prints the sha256 form config expects', () => {
    expect(run(['hash-key', 'bw-team-a-secret']).stdout.trim()).toBe(hashKey('bw-team-a-secret'));
    expect(run(['hash-key'], 'bw-from-stdin\n').stdout.trim()).toBe(hashKey('bw-from-stdin'));
  });

  it('when --port is not a number, then it refuses to start', () => {
    const result = run(['--port', 'http']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--port/);
  });
});
