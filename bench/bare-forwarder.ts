// The Node floor: the least a forwarder can do. node:http in, undici Pool out, keep-alive, no features.
// Usage: node bench/bare-forwarder.ts --upstream http://127.0.0.1:PORT [--port N]. Prints {"port":N}.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' } } });
if (!values.upstream) throw new Error('--upstream URL is required');

const pool = new Pool(values.upstream, { connections: 256, keepAliveTimeout: 4_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-connection', 'host']);

function forwardable(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

const server = createServer((req, res) => {
  const method = req.method === 'POST' ? 'POST' : 'GET';
  pool
    .request({ path: req.url ?? '/', method, headers: forwardable(req.headers), body: method === 'POST' ? req : null })
    .then(async (up) => {
      res.writeHead(up.statusCode, forwardable(up.headers));
      await pipeline(up.body, res);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});

const stop = (): void => {
  server.close();
  server.closeAllConnections();
  void pool.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
