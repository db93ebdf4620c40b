// Child processes of the bench: start, wait until ready, sample /proc, stop by PID only.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** JSON lines the child printed on stdout (only for children started with stdout: 'lines'). */
  lines: Record<string, unknown>[];
  stderr: string[];
}

const started = new Set<Child>();

export interface SpawnOpts {
  name: string;
  args: string[];
  /** The child's whole environment; default: ours. */
  env?: NodeJS.ProcessEnv;
  /** 'lines': parse stdout as JSON lines; otherwise a file path or 'null' to discard it. */
  stdout: 'lines' | string;
}

export function spawnChild(opts: SpawnOpts): Child {
  const out = opts.stdout === 'lines' ? 'pipe' : openSync(opts.stdout === 'null' ? '/dev/null' : opts.stdout, 'w');
  const proc = spawn(process.execPath, opts.args, {
    env: opts.env ?? process.env,
    stdio: ['ignore', out, 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`${opts.name}: spawn failed`);
  const child: Child = { name: opts.name, proc, pid: proc.pid, lines: [], stderr: [] };
  started.add(child);
  proc.on('exit', () => started.delete(child));
  if (proc.stdout) {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      try {
        const v: unknown = JSON.parse(l);
        if (typeof v === 'object' && v !== null) child.lines.push(v as Record<string, unknown>);
      } catch {
        /* not JSON: ignore */
      }
    });
  }
  proc.stderr?.on('data', (d: Buffer) => {
    if (child.stderr.length < 200) child.stderr.push(d.toString());
  });
  return child;
}

function exited(c: Child): boolean {
  return c.proc.exitCode !== null || c.proc.signalCode !== null;
}

/** Waits (bounded) until the child printed a JSON line holding `key`. */
export async function waitForLine(c: Child, key: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const hit = c.lines.find((l) => key in l);
    if (hit) return hit;
    if (exited(c)) break;
    await sleep(50);
  }
  throw new Error(`${c.name} did not report ${key} (exit ${c.proc.exitCode}): ${c.stderr.join('').slice(-2000)}`);
}

/** Waits (bounded) until `url` answers any HTTP status. */
export async function waitForHttp(c: Child, url: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !exited(c)) {
    try {
      const r = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
      await r.body.dump();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${c.name} not answering at ${url} (exit ${c.proc.exitCode}): ${c.stderr.join('').slice(-2000)}`);
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** SIGTERM, then SIGKILL after graceMs; only ever the PID we spawned. */
export async function stopChild(c: Child, graceMs = 5000): Promise<void> {
  if (exited(c)) return;
  const done = new Promise<void>((resolve) => c.proc.once('exit', () => resolve()));
  c.proc.kill('SIGTERM');
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((c) => stopChild(c)));
}

/** Synchronous last-resort cleanup (process 'exit' handler). */
export function killAllSync(): void {
  for (const c of started) if (!exited(c)) c.proc.kill('SIGKILL');
}

export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** User+system CPU seconds of a process (clock ticks assumed 100 Hz, as on Linux x86/arm). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export interface HostCpu {
  busy: number;
  steal: number;
  total: number;
}
/** Cumulative host CPU ticks from /proc/stat: busy (not idle/iowait), steal, total. */
export function hostCpu(): HostCpu {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] ?? 0) - (f[4] ?? 0), steal: f[7] ?? 0, total };
}
