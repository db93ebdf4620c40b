// Child process for the soak and idle-stream benches: the real gateway (dist/app.js) in-process,
// answering IPC probes with its memory, open handles and sockets, which no outside view can give.
import { readdirSync, readlinkSync } from 'node:fs';
import { Writable } from 'node:stream';

// The compiled gateway (npm run build), typed from its source.
const distApp = '../dist/app.js';
const distLoad = '../dist/config/load.js';
const { createApp } = (await import(distApp)) as typeof import('../src/app.ts');
const { loadConfig } = (await import(distLoad)) as typeof import('../src/config/load.ts');

export interface Probe {
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  /** process.getActiveResourcesInfo() counted by type (Timeout, TCPSocketWrap, ...). */
  resources: Record<string, number>;
  /** Open file descriptors that are sockets. */
  sockets: number;
}

function probe(): Probe {
  const memory = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  let sockets = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) sockets += 1;
    } catch {
      // closed while listing
    }
  }
  const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
  return { rssMiB: mib(memory.rss), heapUsedMiB: mib(memory.heapUsed), externalMiB: mib(memory.external), resources, sockets };
}

const { config } = loadConfig({ file: process.argv[2], env: process.env, port: 0 });
let lines = 0;
// Access lines are counted, not kept: the soak proves they are all written without holding them.
const sink = new Writable({ write(chunk: Buffer, _encoding, done) { for (const byte of chunk) if (byte === 10) lines += 1; done(); } });
const app = await createApp(config, { env: {}, logDestination: sink });
const port = await app.start();
process.send?.({ type: 'ready', port });
process.on('message', (message: { type: string }) => {
  if (message.type === 'probe') {
    if (typeof global.gc === 'function') global.gc();
    process.send?.({ type: 'probe', probe: probe(), logLines: lines });
  }
  if (message.type === 'stop') void app.stop().then(() => process.exit(0));
});
