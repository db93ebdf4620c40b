import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunningRedis {
  readonly port: number;
  readonly url: string;
  /** SIGKILL, like a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts a fresh (empty) redis-server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A free loopback port (redis-server's `--port 0` means "no TCP", so it needs a real one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * A throwaway redis-server for one test file: no persistence, killed by PID at the end.
 * Missing redis-server FAILS the test (CI installs it; `apt-get install -y redis-server`): never a skip.
 */
export async function startRedis(): Promise<RunningRedis> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(`redis-server is required for this test and was not found on PATH (apt-get install -y redis-server): ${String(probe.error ?? probe.stderr)}`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    proc.stdout!.setEncoding('utf8').on('data', (text: string) => (out += text));
    const deadline = Date.now() + 10_000;
    while (!out.includes('Ready to accept connections')) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited ${proc.exitCode}: ${out}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start: ${out}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await gone;
  };
  await launch();
  return { port, url: `redis://127.0.0.1:${port}`, kill, restart: launch, stop: kill };
}
