import { setTimeout as sleep } from 'node:timers/promises';
import { createApp } from '../app.js';
import type { ConsoleSnapshot } from '../console/snapshot.js';
import { demoConfig, newDemoKeys } from './demo-config.js';
import { startDemoUpstream } from './demo-upstream.js';
import { runWorkload } from './workload.js';

export interface DemoOptions {
  readonly durationSeconds: number;
  /** Port of the gateway (0: any free one). */
  readonly port: number;
  /** Where the console URL, progress lines and the summary go. */
  readonly out: { write(text: string): unknown };
  /** Aborted (Ctrl-C): the workload stops early and the summary is still printed. */
  readonly signal: AbortSignal;
}

/** The regional upstream is down for the middle third of the run: its breaker opens, then closes again. */
const OUTAGE_FROM = 0.3;
const OUTAGE_TO = 0.6;
const PROGRESS_EVERY_MS = 10_000;

/**
 * `breakwater demo`: a made-up provider on loopback, the gateway in front of it with the console,
 * and a bounded mixed workload; prints the console URL at the start and a summary at the end.
 * No API key and no network beyond 127.0.0.1.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const { out, durationSeconds } = options;
  const startedAt = Date.now();
  const until = startedAt + durationSeconds * 1000;
  const elapsed = (): number => (Date.now() - startedAt) / (durationSeconds * 1000);
  const upstream = await startDemoUpstream(() => elapsed() >= OUTAGE_FROM && elapsed() < OUTAGE_TO);
  const keys = newDemoKeys();
  const app = await createApp(demoConfig(upstream.url, options.port, keys, durationSeconds), { logDestination: { write: () => undefined } });
  let port: number;
  try {
    port = await app.start();
  } catch (error) {
    await upstream.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `port ${options.port} is in use; pick another with --port` : String(error));
  }
  const gateway = `http://127.0.0.1:${port}`;
  out.write([
    '',
    `Breakwater demo: ${durationSeconds} s of made-up agent traffic through a real gateway (no API key, no network).`,
    '',
    `  Console    ${gateway}/console`,
    `  Admin key  ${keys.admin}   (paste it on the console's sign-in form)`,
    `  Try it     curl -s ${gateway}/v1/chat/completions -H 'authorization: Bearer ${keys.support}' \\`,
    `               -H 'content-type: application/json' -d '{"model":"gpt-5-mini","messages":[{"role":"user","content":"hi"}]}'`,
    '',
    `The "regional" upstream goes down from ${Math.round(OUTAGE_FROM * durationSeconds)} s to ${Math.round(OUTAGE_TO * durationSeconds)} s; Ctrl-C stops early.`,
    '',
  ].join('\n'));

  const snapshot = async (): Promise<ConsoleSnapshot | undefined> => {
    const answer = await fetch(`${gateway}/console/snapshot`, { headers: { authorization: `Bearer ${keys.admin}` } }).catch(() => undefined);
    return answer?.ok === true ? ((await answer.json()) as ConsoleSnapshot) : undefined;
  };
  const progress = setInterval(() => {
    void snapshot().then((s) => {
      if (s === undefined) return;
      const breakers = s.breakers.map((b) => `${b.upstream} ${b.state.replace('_', '-')}`).join(', ');
      out.write(`  ${String(Math.round((Date.now() - startedAt) / 1000)).padStart(3)} s  ${String(s.totals.requests).padStart(5)} requests  ${String(s.totals.errors).padStart(4)} failed  ${usd(s.totals.costUsd)}  breakers: ${breakers}\n`);
    });
  }, PROGRESS_EVERY_MS);

  let result;
  try {
    result = await runWorkload(gateway, keys, until, options.signal);
    const final = await snapshot();
    if (final !== undefined) out.write(summary(final, result.runsStarted, result.runIdsSeen, (Date.now() - startedAt) / 1000));
  } finally {
    clearInterval(progress);
    await sleep(50);
    await app.stop();
    await upstream.close();
  }
}

function summary(s: ConsoleSnapshot, runsStarted: number, runIdsSeen: number, seconds: number): string {
  const errors = s.errorsByClass.length > 0 ? s.errorsByClass.map((e) => `${e.errorClass} ${e.count}`).join(', ') : 'none';
  const runs = `${runsStarted} agent runs driven, ${runIdsSeen} run ids named by the gateway (each support chat is a one-call run)`;
  return [
    '',
    `Summary after ${seconds.toFixed(0)} s`,
    `  requests     ${s.totals.requests} (${s.totals.errors} failed)`,
    `  errors       ${errors}${seconds > 300 ? ' (last 5 minutes)' : ''}`,
    `  latency      p50 ${ms(s.recent.latency.p50Ms)}, p99 ${ms(s.recent.latency.p99Ms)} (last 60 s)`,
    `  TTFT         p50 ${ms(s.recent.ttft.p50Ms)}, p99 ${ms(s.recent.ttft.p99Ms)} (streams, last 60 s)`,
    `  tokens       ${s.totals.inputTokens} in, ${s.totals.outputTokens} out`,
    `  cost         ${usd(s.totals.costUsd)} (${s.byKey.map((k) => `${k.name} ${usd(k.costUsd)}`).join(', ')})`,
    `  runs         ${runs}`,
    `  breakers     ${s.breakers.map((b) => `${b.upstream} ${b.state.replace('_', '-')}`).join(', ')}`,
    '',
  ].join('\n');
}

function ms(value: number | undefined): string {
  if (value === undefined) return '-';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(2)} s`;
}

function usd(value: number): string {
  return `$${value.toFixed(4)}`;
}
