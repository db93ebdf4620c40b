// npm run build && node bench/profile.ts [--config FILE] [--seconds S] [--connections N] [--heap]
// Profiles the gateway under the bench's load: a CPU profile (--cpu-prof) or a sampled heap profile
// (--heap-prof), written to bench/results/profile/, and a summary of where the time (or memory) went
// by function and by file. Loopback only; stops its children by PID.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoad } from './load.ts';
import { freePort, spawnChild, stopAll, stopChild, waitForHttp, waitForLine } from './proc.ts';

const { values: o } = parseArgs({
  options: {
    config: { type: 'string', default: fileURLToPath(new URL('configs/default.yaml', import.meta.url)) },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '32' },
    heap: { type: 'boolean', default: false },
    top: { type: 'string', default: '25' },
    focus: { type: 'string', default: '' },
  },
});
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dir = join(ROOT, 'bench/results/profile');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

interface CpuNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
interface CpuProfile { nodes: CpuNode[]; samples: number[]; timeDeltas: number[] }
interface HeapNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: HeapNode[] }

function shortUrl(url: string): string {
  return url.replace(`file://${ROOT}`, '').replace(/^node:/, 'node:') || '(native)';
}

function printTop(title: string, rows: Map<string, number>, total: number, unit: string): void {
  console.log(`\n${title}`);
  const top = [...rows].sort((a, b) => b[1] - a[1]).slice(0, Number(o.top));
  for (const [name, value] of top) console.log(`${((100 * value) / total).toFixed(1).padStart(5)}%  ${unit === 'ms' ? value.toFixed(0).padStart(7) : (value / 1024).toFixed(0).padStart(7)} ${unit}  ${name}`);
}

function summariseCpu(profile: CpuProfile): void {
  const hits = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) hits.set(profile.samples[i]!, (hits.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = hits.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const file = shortUrl(node.callFrame.url);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us / 1000);
    const group = file.startsWith('/node_modules/') ? file.split('/').slice(0, file.split('/')[2]?.startsWith('@') ? 4 : 3).join('/') : file;
    byFile.set(group, (byFile.get(group) ?? 0) + us / 1000);
  }
  printTop('self time by function', byFunction, total / 1000, 'ms');
  printTop('self time by file (node_modules by package)', byFile, total / 1000, 'ms');
  if (o.focus !== '') printInclusive(profile, hits, o.focus.split(','), total);
}

/** Time spent in (and under) functions of these names, each counted once per sample stack. */
function printInclusive(profile: CpuProfile, hits: Map<number, number>, names: string[], total: number): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>(names.map((name) => [name, 0]));
  for (const [id, us] of hits) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)?.callFrame.functionName ?? '';
      if (inclusive.has(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, inclusive.get(name)! + us);
      }
    }
  }
  printTop('inclusive time of the focus functions', new Map([...inclusive].map(([k, v]) => [k, v / 1000])), total / 1000, 'ms');
}

function summariseHeap(root: HeapNode): void {
  const byFunction = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode): void => {
    total += node.selfSize;
    if (node.selfSize > 0) {
      const fn = `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child);
  };
  walk(root);
  printTop('sampled allocations still live at exit, by function', byFunction, total, 'KiB');
}

try {
  const up = spawnChild({ name: 'upstream', args: [join(ROOT, 'bench/upstream-server.ts')], stdout: 'lines' });
  const upUrl = `http://127.0.0.1:${String((await waitForLine(up, 'port')).port)}`;
  const port = await freePort();
  const flag = o.heap ? '--heap-prof' : '--cpu-prof';
  const dirFlag = o.heap ? '--heap-prof-dir' : '--cpu-prof-dir';
  const gateway = spawnChild({ name: 'gateway', args: [flag, `${dirFlag}=${dir}`, join(ROOT, 'dist/main.js'), '--config', o.config, '--port', String(port)], env: { ...process.env, BENCH_UPSTREAM_URL: `${upUrl}/v1` }, stdout: 'null' });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(gateway, `${url}/healthz`);
  await runLoad(url, Number(o.connections), 3, gateway.pid);
  const run = await runLoad(url, Number(o.connections), Number(o.seconds), gateway.pid);
  console.log(`${run.reqPerSec.toFixed(0)} req/s, ${run.targetCpuUsPerReq.toFixed(0)} us CPU per request, p50 ${run.p50Ms} ms, peak RSS ${run.peakRssMiB?.toFixed(0)} MiB`);
  await stopChild(gateway);
  await sleep(200);
  const file = readdirSync(dir).find((f) => f.endsWith(o.heap ? '.heapprofile' : '.cpuprofile'));
  if (file === undefined) throw new Error('no profile written');
  const profile: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  if (o.heap) summariseHeap((profile as { head: HeapNode }).head);
  else summariseCpu(profile as CpuProfile);
  console.log(`\nprofile: ${join(dir, file)} (open in Chrome DevTools)`);
} finally {
  await stopAll();
}
