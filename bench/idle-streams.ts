// Many concurrent idle streams: each gets its first chunk, then the upstream goes quiet. Reports the
// gateway's memory per held stream. Loopback only; bounded; stops by itself.
//   node bench/idle-streams.ts [--streams 9000] [--hold-seconds 10]
// Each stream holds two sockets in the gateway (client and upstream): the file-descriptor limit of
// the machine (ulimit -n) caps how many can be held at once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import type { Probe } from './probed-gateway.ts';
import { startProbedStack } from './probed-stack.ts';

const { values: o } = parseArgs({ options: { streams: { type: 'string', default: '9000' }, 'hold-seconds': { type: 'string', default: '10' } } });
const streams = Number(o.streams);
const stack = await startProbedStack();
const { port } = stack;
const probe = async (): Promise<Probe> => (await stack.probe()).probe;

const agent = new Agent({ connections: streams + 10, pipelining: 1 });
const url = `http://127.0.0.1:${port}/v1/chat/completions`;
// One warm-up stream so lazily built paths are in the baseline, then the baseline itself.
await (await request(url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: '{"model":"gpt-4o-mini","stream":true,"messages":[]}' })).body.text();
await sleep(500);
const before = await probe();

const controllers: AbortController[] = [];
let opened = 0;
let failed = 0;
const startedAt = Date.now();
const opening: Array<Promise<void>> = [];
for (let i = 0; i < streams; i++) {
  const controller = new AbortController();
  controllers.push(controller);
  opening.push((async () => {
    try {
      const response = await request(url, {
        method: 'POST', dispatcher: agent, signal: controller.signal, bodyTimeout: 0, headersTimeout: 60_000,
        headers: { 'content-type': 'application/json', 'x-fake-chunks': '1', 'x-fake-chunk-delay-ms': '300000' },
        body: '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hold"}]}',
      });
      const reader = response.body[Symbol.asyncIterator]();
      await reader.next(); // the first chunk arrived: the stream is open and now idle
      opened += 1;
      response.body.on('error', () => undefined);
    } catch {
      failed += 1;
    }
  })());
  if (i % 500 === 499) await sleep(50); // open in waves: no SYN flood on loopback
}
await Promise.race([Promise.all(opening), sleep(120_000)]);
const openSeconds = (Date.now() - startedAt) / 1000;
await sleep(Number(o['hold-seconds']) * 1000);
const during = await probe();
for (const controller of controllers) controller.abort();
await sleep(3_000);
const after = await probe();

const perStreamKiB = opened === 0 ? 0 : ((during.rssMiB - before.rssMiB) * 1024) / opened;
const result = {
  requested: streams, opened, failed, openSeconds,
  rssMiB: { before: before.rssMiB, holding: during.rssMiB, afterClose: after.rssMiB },
  heapUsedMiB: { before: before.heapUsedMiB, holding: during.heapUsedMiB, afterClose: after.heapUsedMiB },
  perStreamKiB: Math.round(perStreamKiB * 10) / 10,
  sockets: { before: before.sockets, holding: during.sockets, afterClose: after.sockets },
};
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(new URL('results/idle-streams.json', import.meta.url), JSON.stringify(result, null, 2));
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
await agent.destroy();
await stack.stop();
process.exit(0);
