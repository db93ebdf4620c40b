// Soak: a bounded run of mixed stream / non-stream requests with injected faults against the real
// gateway, probing its memory, handles and sockets as it goes. Loopback only; stops by itself.
//   node bench/soak.ts [--requests 100000] [--concurrency 64] [--max-seconds 600]
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type { Probe } from './probed-gateway.ts';
import { startProbedStack } from './probed-stack.ts';

const { values: o } = parseArgs({ options: { requests: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '64' }, 'max-seconds': { type: 'string', default: '600' } } });
const total = Number(o.requests);
const concurrency = Number(o.concurrency);
const deadline = Date.now() + Number(o['max-seconds']) * 1000;
const stack = await startProbedStack();
const { port } = stack;
const probe = stack.probe;

/** The mix, by request number: mostly clean traffic, one in ten of each fault kind. */
function shape(i: number): { stream: boolean; headers: Record<string, string>; abortAfterFirstChunk: boolean } {
  switch (i % 10) {
    case 5: case 6: return { stream: true, headers: { 'x-fake-chunks': '5' }, abortAfterFirstChunk: false };
    case 7: return { stream: false, headers: { 'x-fake-status': '503' }, abortAfterFirstChunk: false };
    case 8: return i % 20 === 8 ? { stream: false, headers: { 'x-fake-reset': 'before-headers' }, abortAfterFirstChunk: false } : { stream: true, headers: { 'x-fake-truncate': '1' }, abortAfterFirstChunk: false };
    case 9: return { stream: true, headers: { 'x-fake-chunks': '20', 'x-fake-chunk-delay-ms': '5' }, abortAfterFirstChunk: true };
    default: return { stream: false, headers: {}, abortAfterFirstChunk: false };
  }
}

const client = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency });
const statuses: Record<string, number> = {};
let next = 0;
let done = 0;
async function worker(): Promise<void> {
  while (next < total && Date.now() < deadline) {
    const i = next++;
    const { stream, headers, abortAfterFirstChunk } = shape(i);
    const controller = new AbortController();
    try {
      const response = await client.request({
        path: '/v1/chat/completions', method: 'POST', signal: controller.signal,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `soak ${i}` }] }),
      });
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      if (abortAfterFirstChunk) {
        for await (const _chunk of response.body) {
          controller.abort();
          break;
        }
      } else await response.body.dump({ limit: 1 << 20 });
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
    done += 1;
  }
}

const samples: Array<{ done: number; probe: Probe }> = [];
const started = Date.now();
const workers = Array.from({ length: concurrency }, () => worker());
let nextSample = Math.floor(total * 0.02);
while (done < total && Date.now() < deadline) {
  await sleep(250);
  if (done >= nextSample) {
    samples.push({ done, probe: (await probe()).probe });
    process.stdout.write(`${done}/${total} rss ${samples.at(-1)!.probe.rssMiB} MiB heap ${samples.at(-1)!.probe.heapUsedMiB} MiB sockets ${samples.at(-1)!.probe.sockets}\n`);
    nextSample += Math.floor(total * 0.1);
  }
}
await Promise.all(workers);
const seconds = (Date.now() - started) / 1000;
await client.close();
await sleep(6_000); // pooled upstream sockets idle out (keepAliveTimeoutMs 4 s)
const final = await probe();
const baseline = samples[0]!.probe;
const result = {
  requests: done, seconds, reqPerSec: Math.round(done / seconds), statuses,
  rssMiB: { afterWarmup: baseline.rssMiB, peak: Math.max(...samples.map((s) => s.probe.rssMiB)), end: final.probe.rssMiB },
  heapUsedMiB: { afterWarmup: baseline.heapUsedMiB, end: final.probe.heapUsedMiB },
  idle: { sockets: final.probe.sockets, resources: final.probe.resources },
  accessLines: final.logLines,
  samples,
};
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(new URL('results/soak.json', import.meta.url), JSON.stringify(result, null, 2));
process.stdout.write(`${JSON.stringify({ ...result, samples: undefined }, null, 2)}\n`);
await stack.stop();
process.exit(0);
