// npm run bench: fake upstream direct vs bare undici forwarder vs Breakwater, interleaved rounds, medians.
// Flags: see docs/performance.md or `node bench/run.ts --help`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { runLoad, runSerial, runTtft, chatBody } from './load.ts';
import { freePort, killAllSync, rssMiB, spawnChild, stopAll, stopChild, waitForHttp, waitForLine, type Child } from './proc.ts';
import { goals, render, summarise, type Kind, type LoadRecord, type TargetInfo, type TtftRecord } from './report.ts';

const HELP = `node bench/run.ts [flags]
  --rounds N              interleaved rounds (3)
  --duration S            seconds per load run (8); --warmup S before each (1)
  --warmup-initial S      JIT warm-up per target and connection count before round 1 (4)
  --connections A,B       autocannon connection counts (32,256)
  --ttft-requests N       streaming requests per target and round (200); --ttft-concurrency N (4)
  --serial-requests N     one-at-a-time calls per target and round, for the added latency at 1 connection (400)
  --core-only             only direct, bare and the main gateway (no limits and tracing variants)
  --gateway-config FILE   config of the main gateway (bench/configs/default.yaml); use \${BENCH_UPSTREAM_URL}
  --label NAME            name of the main gateway variant (gateway)
  --extra-gateway N=FILE  another gateway variant in the same interleaved run (repeatable)
  --otlp NAME             start an OTLP receiver; variant NAME exports traces to it (repeatable)
  --env NAME:KEY=VALUE    extra environment for variant NAME (repeatable)
  --gateway-stdout MODE   null (default) or file (bench/results/NAME.stdout.log)
  --stand-in              run the bare forwarder in place of the gateway (harness self-test)
  --out FILE              results JSON (bench/results/latest.json)`;

const { values: o } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '1' },
    'warmup-initial': { type: 'string', default: '4' },
    connections: { type: 'string', default: '32,256' },
    'ttft-requests': { type: 'string', default: '200' },
    'ttft-concurrency': { type: 'string', default: '4' },
    'serial-requests': { type: 'string', default: '400' },
    'core-only': { type: 'boolean', default: false },
    'gateway-config': { type: 'string', default: fileURLToPath(new URL('configs/default.yaml', import.meta.url)) },
    label: { type: 'string', default: 'gateway' },
    'extra-gateway': { type: 'string', multiple: true, default: [] },
    otlp: { type: 'string', multiple: true, default: [] },
    env: { type: 'string', multiple: true, default: [] },
    'gateway-stdout': { type: 'string', default: 'null' },
    'stand-in': { type: 'boolean', default: false },
    out: { type: 'string', default: fileURLToPath(new URL('results/latest.json', import.meta.url)) },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  console.log(HELP);
  process.exit(0);
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const at = (...parts: string[]): string => join(ROOT, ...parts);
if (o['gateway-stdout'] !== 'null' && o['gateway-stdout'] !== 'file') throw new Error('--gateway-stdout is null or file');
const int = (v: string, name: string, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name} must be an integer in 1..${max}`);
  return n;
};
const rounds = int(o.rounds, 'rounds', 20);
const duration = int(o.duration, 'duration', 120);
const warmup = int(o.warmup, 'warmup', 30);
const warmupInitial = int(o['warmup-initial'], 'warmup-initial', 60);
const conns = o.connections.split(',').map((c) => int(c, 'connections', 2000));
const ttftN = int(o['ttft-requests'], 'ttft-requests', 10_000);
const ttftC = int(o['ttft-concurrency'], 'ttft-concurrency', 64);
const serialN = int(o['serial-requests'], 'serial-requests', 10_000);

interface Variant {
  name: string;
  config: string;
  env: Record<string, string>;
  otlp: boolean;
}
const variants: Variant[] = [{ name: o.label, config: resolve(o['gateway-config']), env: {}, otlp: false }];
// The issue-11 table compares limits and tracing with the default config in the same run.
const issueVariants = o['core-only'] || o['stand-in'] ? [] : [`limits=${fileURLToPath(new URL('configs/limits-memory.yaml', import.meta.url))}`, `tracing=${resolve(o['gateway-config'])}`];
for (const spec of [...issueVariants, ...o['extra-gateway']]) {
  const [name, config] = spec.split('=', 2);
  if (!name || !config) throw new Error(`--extra-gateway wants NAME=FILE, got ${spec}`);
  if (!/^[\w.-]+$/.test(name) || ['direct', 'bare'].includes(name) || variants.some((v) => v.name === name)) throw new Error(`bad or duplicate variant name ${name}`);
  variants.push({ name, config: resolve(config), env: {}, otlp: false });
}
const variant = (name: string): Variant => {
  const v = variants.find((x) => x.name === name);
  if (!v) throw new Error(`no gateway variant named ${name}`);
  return v;
};
for (const name of [...(issueVariants.length > 0 ? ['tracing'] : []), ...o.otlp]) variant(name).otlp = true;
for (const spec of o.env) {
  const m = /^([^:]+):([^=]+)=(.*)$/.exec(spec);
  if (!m?.[1] || !m[2] || m[3] === undefined) throw new Error(`--env wants NAME:KEY=VALUE, got ${spec}`);
  variant(m[1]).env[m[2]] = m[3];
}
for (const v of variants) {
  const text = readFileSync(v.config, 'utf8');
  // Never let a bench point a gateway at a real provider.
  if (!text.includes('${BENCH_UPSTREAM_URL}') && !/baseUrl:\s*["']?http:\/\/127\.0\.0\.1:/.test(text)) throw new Error(`${v.config}: upstream baseUrl must be \${BENCH_UPSTREAM_URL} or loopback`);
}

interface Target extends TargetInfo {
  url: string;
  child: Child;
}

// Budget: every load run, TTFT, startup and cleanup; past it the bench stops itself.
const budgetS = (variants.length + 2) * (rounds * (conns.length * (warmup + duration + 1.5) + 10 + serialN / 200) + conns.length * warmupInitial) + 120;
const deadline = setTimeout(() => {
  console.error(`bench: over its ${budgetS.toFixed(0)} s budget, stopping`);
  void stopAll().then(() => process.exit(2));
}, budgetS * 1000);
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stopAll().then(() => process.exit(130)));

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_')) env[k] = v;
  return env;
}

async function preflight(t: Target): Promise<void> {
  const r = await request(`${t.url}/v1/chat/completions`, { method: 'POST', body: chatBody(false), headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, headersTimeout: 5000, bodyTimeout: 5000 });
  const text = await r.body.text();
  if (r.statusCode !== 200 || !text.includes('chatcmpl-fake')) throw new Error(`${t.name}: preflight got ${r.statusCode}: ${text.slice(0, 300)}`);
}

async function main(): Promise<void> {
  mkdirSync(at('bench/results'), { recursive: true });
  const up = spawnChild({ name: 'upstream', args: [at('bench/upstream-server.ts')], stdout: 'lines' });
  const upUrl = `http://127.0.0.1:${String((await waitForLine(up, 'port')).port)}`;
  let otlp: Child | undefined;
  let otlpEndpoint = '';
  if (variants.some((v) => v.otlp)) {
    otlp = spawnChild({ name: 'otlp', args: [at('bench/otlp-server.ts')], stdout: 'lines' });
    otlpEndpoint = String((await waitForLine(otlp, 'endpoint')).endpoint);
  }
  const startBare = async (name: string): Promise<Child> => {
    const c = spawnChild({ name, args: [at('bench/bare-forwarder.ts'), '--upstream', upUrl], stdout: 'lines' });
    await waitForLine(c, 'port');
    return c;
  };
  const portOf = (c: Child): string => String(c.lines.find((l) => 'port' in l)?.port);
  const bare = await startBare('bare');
  const targets: Target[] = [
    { name: 'direct', kind: 'direct', url: upUrl, child: up },
    { name: 'bare', kind: 'bare', url: `http://127.0.0.1:${portOf(bare)}`, child: bare },
  ];
  for (const v of variants) {
    let child: Child;
    let url: string;
    if (o['stand-in']) {
      child = await startBare(v.name);
      url = `http://127.0.0.1:${portOf(child)}`;
    } else {
      const port = await freePort();
      const env = { ...baseEnv(), BENCH_UPSTREAM_URL: `${upUrl}/v1`, ...v.env };
      if (v.otlp) Object.assign(env, { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
      const stdout = o['gateway-stdout'] === 'file' ? at('bench/results', `${v.name}.stdout.log`) : 'null';
      child = spawnChild({ name: v.name, args: [at('dist/main.js'), '--config', v.config, '--port', String(port)], env, stdout });
      url = `http://127.0.0.1:${port}`;
      await waitForHttp(child, `${url}/healthz`);
    }
    targets.push({ name: v.name, kind: 'gateway', url, child });
  }
  for (const t of targets) await preflight(t);
  // What a sidecar holds while its agent thinks: resident memory after start and one request.
  await sleep(2_000);
  const idleRss = Object.fromEntries(targets.map((t) => [t.name, rssMiB(t.child.pid) ?? Number.NaN]));
  console.log(`idle RSS after start and one request (MiB): ${Object.entries(idleRss).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);

  const load: LoadRecord[] = [];
  const ttft: TtftRecord[] = [];
  const serial: TtftRecord[] = [];
  const ownPids = [...new Set([...targets.map((t) => t.child.pid), ...(otlp ? [otlp.pid] : [])])];
  const t0 = Date.now();
  // Fresh processes run cold code (about twice the CPU per request for the first seconds): warm every target first.
  for (const c of conns) for (const t of targets) await runLoad(t.url, c, warmupInitial, t.child.pid, ownPids);
  for (let round = 1; round <= rounds; round++) {
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]).filter((t): t is Target => t !== undefined);
    for (const c of conns) {
      for (const t of order) {
        await runLoad(t.url, c, warmup, t.child.pid, ownPids);
        const r = await runLoad(t.url, c, duration, t.child.pid, ownPids);
        load.push({ round, target: t.name, connections: c, ...r });
        console.log(`round ${round} c=${c} ${t.name}: ${r.reqPerSec.toFixed(0)} req/s p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms, ${r.targetCpuUsPerReq.toFixed(0)} us CPU/req, loadgen ${(100 * r.loadgenCpu).toFixed(0)}%, host busy ${r.hostBusyCores.toFixed(2)} cores (other ${r.otherCores.toFixed(2)})${r.errors + r.non2xx ? `, ${r.errors} errors ${r.non2xx} non-2xx` : ''}`);
        await sleep(500);
      }
    }
    for (const t of order) {
      const r = await runTtft(t.url, ttftN, ttftC, { chunks: 5, chunkDelayMs: 5, deadlineMs: 30_000 });
      ttft.push({ round, target: t.name, ...r });
      console.log(`round ${round} ttft ${t.name}: p50 ${r.p50Ms.toFixed(2)} ms p99 ${r.p99Ms.toFixed(2)} ms (n=${r.n}, failures ${r.failures})`);
    }
    for (const t of order) {
      const r = await runSerial(t.url, serialN, 60_000);
      serial.push({ round, target: t.name, ...r });
      console.log(`round ${round} c=1 ${t.name}: p50 ${r.p50Ms.toFixed(3)} ms p99 ${r.p99Ms.toFixed(3)} ms (n=${r.n}, failures ${r.failures})`);
    }
  }
  const endRss = Object.fromEntries(targets.map((t) => [t.name, rssMiB(t.child.pid)]));
  const info: TargetInfo[] = targets.map(({ name, kind }) => ({ name, kind }));
  const summary = summarise(info, conns, load, ttft, serial);
  console.log(`\n${render(info, conns, summary, rounds, load)}`);
  if (issueVariants.length > 0) console.log(`\n${goals(summary, conns, idleRss, o.label)}`);
  console.log(`RSS at end (MiB): ${Object.entries(endRss).map(([k, v]) => `${k} ${v?.toFixed(1) ?? '-'}`).join(', ')}`);
  let spansReceived: unknown;
  if (otlp) {
    await stopChild(otlp);
    spansReceived = otlp.lines.find((l) => 'spansReceived' in l)?.spansReceived;
    console.log(`OTLP receiver: ${String(spansReceived)} spans received`);
  }
  const kinds: Record<string, Kind> = Object.fromEntries(info.map((t) => [t.name, t.kind]));
  const result = {
    label: o.label,
    startedAt: new Date(t0).toISOString(),
    elapsedS: (Date.now() - t0) / 1000,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadavg: loadavg() },
    options: { rounds, duration, warmup, warmupInitial, connections: conns, ttftRequests: ttftN, ttftConcurrency: ttftC, serialRequests: serialN, ttftStream: { chunks: 5, chunkDelayMs: 5 }, standIn: o['stand-in'], gatewayStdout: o['gateway-stdout'] },
    variants: variants.map((v) => ({ ...v, env: Object.keys(v.env) })),
    targets: kinds,
    summary,
    rssAtEndMiB: endRss,
    idleRssMiB: idleRss,
    spansReceived,
    raw: { load, ttft, serial },
  };
  writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${o.out}`);
}

try {
  await main();
} finally {
  clearTimeout(deadline);
  await stopAll();
}
