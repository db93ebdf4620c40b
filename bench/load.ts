// Load drivers: autocannon for throughput and latency, an undici streaming driver for time to first chunk.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { cpuSeconds, hostCpu, rssMiB } from './proc.ts';

const SYSTEM = 'You are a meticulous assistant for a logistics company. Answer briefly, cite the shipment id, never invent tracking data.';
const HISTORY = [
  { role: 'user', content: 'Where is shipment BW-20931? It left Rotterdam on Monday and the customer is asking.' },
  { role: 'assistant', content: 'Shipment BW-20931 cleared customs in Rotterdam on Tuesday and is on the feeder vessel to Hamburg, ETA Thursday.' },
];

/** A realistic chat completion body of about 1 KB. */
export function chatBody(stream: boolean): string {
  const filler = 'Please also list the next two milestones, the expected delivery window, and whether the consignee must be present at the Hamburg depot. ';
  const messages = [{ role: 'system', content: SYSTEM }, ...HISTORY, { role: 'user', content: '' }];
  const make = (question: string): string => JSON.stringify({ model: 'gpt-4o-mini', messages: [...messages.slice(0, -1), { role: 'user', content: question }], temperature: 0.2, max_tokens: 256, stream });
  const room = 1024 - make('').length;
  return make(filler.repeat(Math.ceil(room / filler.length)).slice(0, room));
}

export interface LoadRun {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  errors: number;
  non2xx: number;
  /** CPU seconds the target process (upstream for direct) used per request, in microseconds. */
  targetCpuUsPerReq: number;
  /** Load generator (this process) CPU, as a share of one core. */
  loadgenCpu: number;
  peakRssMiB: number | undefined;
  /** Host CPU busy during the run, in cores (2 = both saturated); steal in cores too. */
  hostBusyCores: number;
  hostStealCores: number;
  /** Host CPU not used by the bench's own processes (other work on the machine, plus unattributed kernel time), in cores. */
  otherCores: number;
}

/** `ownPids`: every process the bench started, to tell its CPU from other work on the host. */
export async function runLoad(url: string, connections: number, durationS: number, targetPid: number, ownPids: number[] = []): Promise<LoadRun> {
  const ownCpu = (): number => ownPids.reduce((a, p) => a + (p === targetPid ? 0 : cpuSeconds(p) || 0), 0);
  let peak: number | undefined;
  const sampler = setInterval(() => {
    const r = rssMiB(targetPid);
    if (r !== undefined) peak = Math.max(peak ?? 0, r);
  }, 200);
  const cpu0 = cpuSeconds(targetPid);
  const own0 = ownCpu();
  const me0 = process.cpuUsage();
  const host0 = hostCpu();
  const t0 = performance.now();
  try {
    const r = await autocannon({
      url: `${url}/v1/chat/completions`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body: chatBody(false),
      connections,
      duration: durationS,
      timeout: 10,
    });
    const wallS = (performance.now() - t0) / 1000;
    const me = process.cpuUsage(me0);
    const total = r.requests.total;
    const host = hostCpu();
    const ticks = host.total - host0.total || 1;
    const cores = cpus().length;
    const targetCpu = cpuSeconds(targetPid) - cpu0;
    const busy = ((host.busy - host0.busy) / ticks) * cores;
    const ours = (targetCpu + ownCpu() - own0 + (me.user + me.system) / 1e6) / wallS;
    return {
      reqPerSec: r.requests.average,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      total,
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
      targetCpuUsPerReq: total > 0 ? (targetCpu * 1e6) / total : Number.NaN,
      loadgenCpu: (me.user + me.system) / 1e6 / wallS,
      peakRssMiB: peak,
      hostBusyCores: busy,
      otherCores: Math.max(0, busy - ours),
      hostStealCores: ((host.steal - host0.steal) / ticks) * cores,
    };
  } finally {
    clearInterval(sampler);
  }
}

export interface TtftRun {
  p50Ms: number;
  p99Ms: number;
  n: number;
  failures: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** `requests` streaming requests, `concurrency` at a time; time from request start to the first body byte. */
export async function runTtft(url: string, requests: number, concurrency: number, opts: { chunks: number; chunkDelayMs: number; deadlineMs: number }): Promise<TtftRun> {
  const pool = new Pool(url, { connections: concurrency, keepAliveTimeout: 4_000 });
  const body = chatBody(true);
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench', 'x-fake-chunks': String(opts.chunks), 'x-fake-chunk-delay-ms': String(opts.chunkDelayMs) };
  const samples: number[] = [];
  let failures = 0;
  let next = 0;
  const until = Date.now() + opts.deadlineMs;
  const one = async (record: boolean): Promise<void> => {
    const t0 = performance.now();
    try {
      const r = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body, headersTimeout: 5000, bodyTimeout: 5000 });
      let first: number | undefined;
      for await (const _chunk of r.body) first ??= performance.now() - t0;
      if (r.statusCode !== 200 || first === undefined) failures++;
      else if (record) samples.push(first);
    } catch {
      failures++;
    }
  };
  const worker = async (): Promise<void> => {
    while (next < requests && Date.now() < until) {
      next++;
      await one(true);
    }
  };
  try {
    for (let i = 0; i < Math.min(20, requests); i++) await one(false); // warm the pools on both sides
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  samples.sort((a, b) => a - b);
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), n: samples.length, failures };
}

/** `requests` non-streaming calls one after another on one connection: the latency a lone agent sees. */
export async function runSerial(url: string, requests: number, deadlineMs: number): Promise<TtftRun> {
  const pool = new Pool(url, { connections: 1, keepAliveTimeout: 4_000 });
  const body = chatBody(false);
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' };
  const samples: number[] = [];
  let failures = 0;
  const until = Date.now() + deadlineMs;
  const one = async (record: boolean): Promise<void> => {
    const t0 = performance.now();
    try {
      const r = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body, headersTimeout: 5000, bodyTimeout: 5000 });
      await r.body.dump({ limit: Number.POSITIVE_INFINITY });
      if (r.statusCode !== 200) failures++;
      else if (record) samples.push(performance.now() - t0);
    } catch {
      failures++;
    }
  };
  try {
    for (let i = 0; i < Math.min(50, requests); i++) await one(false);
    for (let i = 0; i < requests && Date.now() < until; i++) await one(true);
  } finally {
    await pool.close();
  }
  samples.sort((a, b) => a - b);
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), n: samples.length, failures };
}
