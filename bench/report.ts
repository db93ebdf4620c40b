// Medians across rounds, ratios, and the printed table.
import type { LoadRun, TtftRun } from './load.ts';

export type Kind = 'direct' | 'bare' | 'gateway';
export interface TargetInfo {
  name: string;
  kind: Kind;
}
export interface LoadRecord extends LoadRun {
  round: number;
  target: string;
  connections: number;
}
export interface TtftRecord extends TtftRun {
  round: number;
  target: string;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export interface LoadSummary {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  targetCpuUsPerReq: number;
  loadgenCpu: number;
  hostBusyCores: number;
  hostStealCores: number;
  otherCores: number;
  peakRssMiB: number;
  errors: number;
  non2xx: number;
  /** Median over rounds of this target's req/s divided by the reference's req/s in the same round. */
  ratioVsDirect: number;
  ratioVsBare: number;
  ratioVsGateway: number;
}
export interface TtftSummary {
  p50Ms: number;
  p99Ms: number;
  failures: number;
}
export interface Summary {
  load: Record<string, Record<number, LoadSummary>>;
  ttft: Record<string, TtftSummary>;
  /** One call at a time on one connection: the latency a lone agent sees. */
  serial: Record<string, TtftSummary>;
  /** Median over rounds of this target's c=1 p50 minus direct's in the same round. */
  serialOverDirectMs: Record<string, number>;
  ttftOverDirectMs: Record<string, number>;
  /** Median over rounds of this target's CPU per request over the reference's, same round and connections. */
  cpuVsBare: Record<string, Record<number, number>>;
}

function pairedRatio(runs: LoadRecord[], target: string, ref: string | undefined, c: number): number {
  if (ref === undefined) return Number.NaN;
  const find = (t: string, r: number): LoadRecord | undefined => runs.find((x) => x.target === t && x.round === r && x.connections === c);
  const ratios = runs
    .filter((x) => x.target === target && x.connections === c)
    .map((x) => x.reqPerSec / (find(ref, x.round)?.reqPerSec ?? Number.NaN));
  return median(ratios);
}

/** Median over rounds of f(target's record) - f(reference's record) in the same round. */
function pairedDelta(runs: TtftRecord[], target: string, ref: string | undefined): number {
  if (ref === undefined) return Number.NaN;
  return median(runs.filter((x) => x.target === target).map((x) => x.p50Ms - (runs.find((y) => y.target === ref && y.round === x.round)?.p50Ms ?? Number.NaN)));
}

function pairedCpu(runs: LoadRecord[], target: string, ref: string | undefined, c: number): number {
  if (ref === undefined) return Number.NaN;
  const find = (r: number): LoadRecord | undefined => runs.find((x) => x.target === ref && x.round === r && x.connections === c);
  return median(runs.filter((x) => x.target === target && x.connections === c).map((x) => x.targetCpuUsPerReq / (find(x.round)?.targetCpuUsPerReq ?? Number.NaN)));
}

export function summarise(targets: TargetInfo[], conns: number[], load: LoadRecord[], ttft: TtftRecord[], serial: TtftRecord[] = []): Summary {
  const direct = targets.find((t) => t.kind === 'direct')?.name;
  const bare = targets.find((t) => t.kind === 'bare')?.name;
  const gateway = targets.find((t) => t.kind === 'gateway')?.name;
  const out: Summary = { load: {}, ttft: {}, serial: {}, serialOverDirectMs: {}, ttftOverDirectMs: {}, cpuVsBare: {} };
  for (const t of targets) {
    out.load[t.name] = {};
    for (const c of conns) {
      const rs = load.filter((x) => x.target === t.name && x.connections === c);
      const pick = (f: (r: LoadRecord) => number): number => median(rs.map(f));
      (out.load[t.name] ??= {})[c] = {
        reqPerSec: pick((r) => r.reqPerSec),
        p50Ms: pick((r) => r.p50Ms),
        p99Ms: pick((r) => r.p99Ms),
        targetCpuUsPerReq: pick((r) => r.targetCpuUsPerReq),
        loadgenCpu: pick((r) => r.loadgenCpu),
        hostBusyCores: pick((r) => r.hostBusyCores),
        hostStealCores: pick((r) => r.hostStealCores),
        otherCores: pick((r) => r.otherCores),
        peakRssMiB: Math.max(...rs.map((r) => r.peakRssMiB ?? Number.NaN)),
        errors: rs.reduce((a, r) => a + r.errors, 0),
        non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
        ratioVsDirect: pairedRatio(load, t.name, direct, c),
        ratioVsBare: pairedRatio(load, t.name, bare, c),
        ratioVsGateway: pairedRatio(load, t.name, gateway, c),
      };
    }
    const ts = ttft.filter((x) => x.target === t.name);
    out.ttft[t.name] = { p50Ms: median(ts.map((x) => x.p50Ms)), p99Ms: median(ts.map((x) => x.p99Ms)), failures: ts.reduce((a, x) => a + x.failures, 0) };
    const ss = serial.filter((x) => x.target === t.name);
    out.serial[t.name] = { p50Ms: median(ss.map((x) => x.p50Ms)), p99Ms: median(ss.map((x) => x.p99Ms)), failures: ss.reduce((a, x) => a + x.failures, 0) };
    out.serialOverDirectMs[t.name] = pairedDelta(serial, t.name, direct);
    out.ttftOverDirectMs[t.name] = pairedDelta(ttft, t.name, direct);
    out.cpuVsBare[t.name] = Object.fromEntries(conns.map((c) => [c, pairedCpu(load, t.name, bare, c)]));
  }
  return out;
}

const f = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
const sign = (x: number, d = 2): string => (Number.isFinite(x) ? (x >= 0 ? '+' : '') + x.toFixed(d) : '-');

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

export function render(targets: TargetInfo[], conns: number[], s: Summary, rounds: number, raw: LoadRecord[]): string {
  const direct = targets.find((t) => t.kind === 'direct')?.name ?? '';
  const bare = targets.find((t) => t.kind === 'bare')?.name ?? '';
  const gw = targets.find((t) => t.kind === 'gateway')?.name ?? '';
  const loadTables = conns.map((c) => {
    const rows = [[`c=${c}`, 'req/s', '/direct', '/bare', `/${gw}`, 'p50 ms', 'p99 ms', 'p50 vs direct', 'p50 vs bare', 'p99 vs direct', 'p99 vs bare']];
    const d = s.load[direct]?.[c];
    const b = s.load[bare]?.[c];
    for (const t of targets) {
      const l = s.load[t.name]?.[c];
      if (!l || !d || !b) continue;
      rows.push([t.name, f(l.reqPerSec), f(l.ratioVsDirect, 2), f(l.ratioVsBare, 2), f(l.ratioVsGateway, 2), f(l.p50Ms, 1), f(l.p99Ms, 1), sign(l.p50Ms - d.p50Ms, 1), sign(l.p50Ms - b.p50Ms, 1), sign(l.p99Ms - d.p99Ms, 1), sign(l.p99Ms - b.p99Ms, 1)]);
    }
    return table(rows);
  });
  const rows2 = [['target', 'TTFT p50 ms', 'p99 ms', 'p50 vs direct', 'p50 vs bare', 'p99 vs direct', ...conns.flatMap((c) => [`CPU us/req c=${c}`, '/bare']), 'peak RSS MiB', 'errors']];
  for (const t of targets) {
    const tt = s.ttft[t.name];
    const d = s.ttft[direct];
    const b = s.ttft[bare];
    if (!tt || !d || !b) continue;
    const ls = conns.map((c) => s.load[t.name]?.[c]);
    const errs = ls.reduce((a, l) => a + (l ? l.errors + l.non2xx : 0), 0) + tt.failures;
    rows2.push([t.name, f(tt.p50Ms, 2), f(tt.p99Ms, 2), sign(tt.p50Ms - d.p50Ms), sign(tt.p50Ms - b.p50Ms), sign(tt.p99Ms - d.p99Ms), ...conns.flatMap((c, i) => {
      const cpu = ls[i]?.targetCpuUsPerReq ?? Number.NaN;
      return [f(cpu), f(cpu / (s.load[bare]?.[c]?.targetCpuUsPerReq ?? Number.NaN), 2)];
    }), f(Math.max(...ls.map((l) => l?.peakRssMiB ?? Number.NaN)), 1), String(errs)]);
  }
  const over = (c: number, g: (l: LoadSummary) => number): number => median(targets.map((t) => { const l = s.load[t.name]?.[c]; return l ? g(l) : Number.NaN; }));
  const gen = conns.map((c) => `c=${c}: load generator ${f(100 * over(c, (l) => l.loadgenCpu))}% of a core, host busy ${f(over(c, (l) => l.hostBusyCores), 2)} cores, steal ${f(over(c, (l) => l.hostStealCores), 2)}, other work ${f(over(c, (l) => l.otherCores), 2)}`).join('; ');
  const disturbed = raw.filter((r) => r.otherCores > 0.5).length;
  return [
    `Throughput and latency under load (medians of ${rounds} interleaved rounds; ratios are medians of same-round ratios)`,
    loadTables.join('\n\n'),
    '',
    'Time to first chunk (streaming, low concurrency), target process CPU per request, peak RSS',
    table(rows2),
    '',
    `CPU (medians over targets): ${gen}`,
    disturbed > 0 ? `WARNING: ${disturbed} of ${raw.length} load runs had more than 0.5 cores of other work on the host; req/s is unreliable, CPU us/req less so.` : 'No load run saw more than 0.5 cores of other work on the host.',
  ].join('\n');
}

/**
 * The sidecar footprint table of issue 11: every row with its figure from this run and its goal.
 * `main` is the default-config gateway; `limits` and `tracing` are the variants of the same run.
 */
export function goals(s: Summary, conns: number[], idleRss: Record<string, number>, main: string): string {
  const pair = (g: (c: number) => number): string => conns.map((c) => f(g(c), 2)).join(' / ');
  const worst = (g: (c: number) => number, higherIsBetter: boolean): number => (higherIsBetter ? Math.min : Math.max)(...conns.map(g));
  const maxC = Math.max(...conns);
  const ok = (b: boolean): string => (b ? 'met' : 'NOT MET');
  const rows: string[][] = [['measure', `figure (c=${conns.join(' / ')})`, 'goal', '']];
  const tput = (c: number): number => s.load[main]?.[c]?.ratioVsBare ?? Number.NaN;
  rows.push(['throughput, default config, x bare', pair(tput), '>= 0.9', ok(worst(tput, true) >= 0.9)]);
  const cpu = (c: number): number => s.cpuVsBare[main]?.[c] ?? Number.NaN;
  rows.push(['CPU per request, default config, x bare', pair(cpu), '<= 1.15', ok(worst(cpu, false) <= 1.15)]);
  const limits = (c: number): number => s.load['limits']?.[c]?.ratioVsGateway ?? Number.NaN;
  rows.push(['keys + four limits (memory), x default', pair(limits), '>= 0.92', ok(worst(limits, true) >= 0.92)]);
  const tracing = (c: number): number => s.load['tracing']?.[c]?.ratioVsGateway ?? Number.NaN;
  rows.push(['tracing on (OTLP/gRPC, local receiver), x default', pair(tracing), '>= 0.85', ok(worst(tracing, true) >= 0.85)]);
  const peak = s.load[main]?.[maxC]?.peakRssMiB ?? Number.NaN;
  rows.push([`resident memory peak at ${maxC} connections, MiB`, f(peak), '<= 180', ok(peak <= 180)]);
  const idle = idleRss[main] ?? Number.NaN;
  rows.push(['resident memory idle, after start and one request, MiB', f(idle, 1), '<= 70', ok(idle <= 70)]);
  const ttft = s.ttftOverDirectMs[main] ?? Number.NaN;
  rows.push(['time to first token overhead p50 over direct, ms', sign(ttft), '<= 0.5', ok(ttft <= 0.5)]);
  const serial = s.serialOverDirectMs[main] ?? Number.NaN;
  rows.push(['added latency at 1 connection p50 over direct, ms', sign(serial, 3), '<= 0.25', ok(serial <= 0.25)]);
  const bareSerial = s.serialOverDirectMs['bare'] ?? Number.NaN;
  const bareTtft = s.ttftOverDirectMs['bare'] ?? Number.NaN;
  return [
    `Issue 11 footprint (${main}; medians of same-round ratios and differences)`,
    table(rows),
    `For scale, the bare forwarder in this run: TTFT +${f(bareTtft, 2)} ms, c=1 latency +${f(bareSerial, 3)} ms over direct; idle RSS ${f(idleRss['bare'] ?? Number.NaN, 1)} MiB.`,
  ].join('\n');
}
