import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const NODE = join(ROOT, 'node_modules/.bin/node');
const MAIN = join(ROOT, 'dist/main.js');

export interface RunningGateway {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/v1', for OPENAI_BASE_URL */
  baseURL: string;
  port: number;
  pid: number;
  /** Every stdout line parsed as JSON (a line that is not JSON fails the test that reads it). */
  logs(): Array<Record<string, unknown>>;
  stdout(): string;
  stderr(): string;
  /** Sends the signal (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  args?: string[];
  /** Wait for the "listening" line (default true). */
  waitListening?: boolean;
}

/** Every gateway a test file starts, so a suite can always end them. */
const started = new Set<ChildProcess>();
// Every test file importing this helper ends its gateways, even when its own afterAll never ran
// (a failed beforeAll, or hooks registered too late): orphaned gateways would load the machine.
afterAll(() => killStartedGateways());
process.once('exit', () => killStartedGateways());

/** Starts `node dist/main.js` as a child on a free loopback port, like a user would. */
export async function startGateway(options: StartOptions = {}): Promise<RunningGateway> {
  const args = [MAIN, '--port', '0'];
  if (options.config !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'breakwater-test-'));
    const file = join(dir, 'config.yaml');
    const config = { ...options.config, server: { host: '127.0.0.1', ...(options.config.server as object | undefined) } };
    writeFileSync(file, stringify(config));
    args.push('--config', file);
  }
  args.push(...(options.args ?? []));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env };
  const child = spawn(NODE, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => {
    started.delete(child);
    done(code);
  }));
  // Only complete lines: a pipe read may end in the middle of one.
  const logs = (): Array<Record<string, unknown>> =>
    stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as Record<string, unknown>);
  let port = 0;
  if (options.waitListening !== false) {
    const deadline = Date.now() + 15_000;
    while (port === 0) {
      const line = logs().find((entry) => entry.msg === 'listening');
      if (line !== undefined) port = line.port as number;
      else if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}: ${stderr}`);
      else if (Date.now() > deadline) throw new Error(`gateway did not start: ${stderr}`);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    port,
    pid: child.pid!,
    logs,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until the gateway has written the access line of `count` requests (lines are written at each request's real end). */
export async function waitForAccessLines(gateway: RunningGateway, count: number, timeoutMs = 5_000): Promise<Array<Record<string, unknown>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = gateway.logs().filter((entry) => entry.msg === 'request');
    if (lines.length >= count) return lines;
    if (Date.now() > deadline) throw new Error(`expected ${count} access lines, got ${lines.length}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Kills any gateway a test left running (by PID, only ours). */
export function killStartedGateways(): void {
  for (const child of started) child.kill('SIGKILL');
}
