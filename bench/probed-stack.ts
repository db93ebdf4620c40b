// The fake upstream (child) plus the gateway in a probe process (bench/probed-gateway.ts), for the
// soak and idle-stream benches. Everything is stopped by PID when the bench exits.
import { fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Probe } from './probed-gateway.ts';
import { killAllSync, spawnChild, stopAll, waitForLine } from './proc.ts';

export interface ProbedStack {
  /** The gateway's port on 127.0.0.1. */
  readonly port: number;
  probe(): Promise<{ probe: Probe; logLines: number }>;
  stop(): Promise<void>;
}

export async function startProbedStack(): Promise<ProbedStack> {
  process.on('exit', killAllSync);
  const upstream = spawnChild({ name: 'upstream', args: [new URL('upstream-server.ts', import.meta.url).pathname], stdout: 'lines' });
  const upstreamPort = (await waitForLine(upstream, 'port')).port as string;
  const gateway = fork(new URL('probed-gateway.ts', import.meta.url).pathname, [new URL('configs/soak.yaml', import.meta.url).pathname], {
    env: { ...process.env, BENCH_UPSTREAM_URL: `http://127.0.0.1:${upstreamPort}/v1` },
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  process.on('exit', () => gateway.kill('SIGKILL'));
  const port = await new Promise<number>((resolve) => gateway.on('message', (m: { type: string; port?: number }) => m.type === 'ready' && resolve(m.port!)));
  return {
    port,
    probe: () =>
      new Promise((resolve) => {
        const onMessage = (m: { type: string; probe?: Probe; logLines?: number }): void => {
          if (m.type !== 'probe') return;
          gateway.off('message', onMessage);
          resolve({ probe: m.probe!, logLines: m.logLines! });
        };
        gateway.on('message', onMessage);
        gateway.send({ type: 'probe' });
      }),
    async stop() {
      gateway.send({ type: 'stop' });
      await sleep(500);
      await stopAll();
    },
  };
}
