/**
 * When `breakwater demo` runs, then with no key and no network it starts the gateway and its
 * console on loopback, prints the console URL first, drives traffic of many kinds, and stops by
 * itself after --duration with a summary (or early on Ctrl-C, still with the summary).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function demo(args: string[]) {
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'dist/main.js'), 'demo', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const kill = setTimeout(() => child.kill('SIGKILL'), 45_000);
  void exited.then(() => clearTimeout(kill));
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('breakwater demo', () => {
  it('when it runs for its duration, then it prints the console URL, serves the console, and ends with a summary', async () => {
    const run = demo(['--duration', '8', '--port', '0']);
    await until(() => /Console +http:\/\/127\.0\.0\.1:\d+\/console/.test(run.out()), 15_000);
    const url = /Console +(http:\/\/127\.0\.0\.1:\d+)\/console/.exec(run.out())![1]!;
    const admin = /Admin key +(\S+)/.exec(run.out())![1]!;
    const snapshot = await fetch(`${url}/console/snapshot`, { headers: { authorization: `Bearer ${admin}` } });
    expect(snapshot.status).toBe(200);
    expect((await fetch(`${url}/console/snapshot`)).status).toBe(401);
    expect(await run.exited).toBe(0);
    const out = run.out();
    expect(out.indexOf('Console')).toBeLessThan(out.indexOf('Summary after'));
    const requests = Number(/requests +(\d+) \(\d+ failed\)/.exec(out)?.[1]);
    // How much traffic fits in 8 s depends on the machine's load: only that there was some is asserted.
    expect(requests).toBeGreaterThan(10);
    for (const line of ['errors', 'latency      p50', 'TTFT         p50', 'tokens', 'cost         $', 'runs', 'breakers     steady']) expect(out).toContain(line);
    expect(run.err()).toBe('');
  }, 60_000);

  it('when it is stopped with Ctrl-C, then it stops early and still prints its summary', async () => {
    const run = demo(['--duration', '600', '--port', '0']);
    await until(() => run.out().includes('Console'), 15_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const stoppedAt = Date.now();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(run.out()).toContain('Summary after');
  }, 60_000);

  it('when --duration is not a number of seconds, then it exits 2 and says why', async () => {
    const run = demo(['--duration', 'soon']);
    expect(await run.exited).toBe(2);
    expect(run.err()).toContain('--duration');
  });
});
