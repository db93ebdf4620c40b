import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../helpers/gateway.ts';

/** An upstream that streams 64 MiB of SSE as fast as its socket accepts it, counting what it wrote. */
const TOTAL_BYTES = 64 * 1024 * 1024;
let written = 0;
let finished = false;
let upstream: Server;
let gateway: RunningGateway;

beforeAll(async () => {
  const event = Buffer.from(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(1000) } }] })}\n\n`);
  upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    void (async () => {
      while (written < TOTAL_BYTES && !res.destroyed) {
        written += event.length;
        if (!res.write(event)) await once(res, 'drain').catch(() => undefined);
      }
      res.end('data: [DONE]\n\n');
      finished = true;
    })();
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const port = (upstream.address() as { port: number }).port;
  gateway = await startGateway({ config: { upstreams: [{ name: 'flood', baseUrl: `http://127.0.0.1:${port}/v1`, timeouts: { idleMs: 60_000 } }] } });
});

afterAll(async () => {
  await gateway.stop();
  upstream.closeAllConnections();
  upstream.close();
});

describe('when a client never reads the stream it asked for', () => {
  it('then the gateway stops reading the upstream too (backpressure), instead of buffering without bound', async () => {
    const socket = connect(gateway.port, '127.0.0.1');
    await once(socket, 'connect');
    const body = '{"model":"gpt-4o-mini","stream":true,"messages":[]}';
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    socket.pause(); // never read
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stalledAt = written;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Only kernel socket buffers and a few stream high-water marks may fill: far below the 64 MiB.
    expect(stalledAt).toBeLessThan(16 * 1024 * 1024);
    expect(written - stalledAt).toBeLessThan(1024 * 1024);
    expect(finished).toBe(false);

    // Once the client reads, the whole stream flows through.
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    const deadline = Date.now() + 20_000;
    while (!finished && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(finished).toBe(true);
    socket.destroy();
    expect(received).toBeGreaterThan(stalledAt);
  });
});
