import { connect, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { statusOf } from '../helpers/raw-http.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayProcess({
    config: { server: { headersTimeoutMs: 500, requestTimeoutMs: 1_000, maxConnections: 20 }, upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }] },
  });
});

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server wrote and how long after `since` it closed the socket. */
function closedAfter(socket: Socket, since: number): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve) => {
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => (answer += text));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ answer, ms: Date.now() - since }));
  });
}

describe('when a client sends its headers slowly (slowloris)', () => {
  it('then it is cut at headersTimeoutMs while other clients are served', async () => {
    const slow = await open(gateway.port);
    const since = Date.now();
    const closed = closedAfter(slow, since);
    slow.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Drip: 1\r\n'), 100);
    const healthy = await fetch(`${gateway.url}/healthz`);
    expect(healthy.status).toBe(200);
    const { ms } = await closed;
    clearInterval(drip);
    expect(ms).toBeGreaterThanOrEqual(400);
    expect(ms).toBeLessThan(4_000);
  });
});

describe('when a client sends its body slowly', () => {
  it('then it is cut at requestTimeoutMs with 408', async () => {
    const slow = await open(gateway.port);
    const since = Date.now();
    const closed = closedAfter(slow, since);
    slow.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":');
    const drip = setInterval(() => slow.writable && slow.write(' '), 100);
    const { answer, ms } = await closed;
    clearInterval(drip);
    expect(ms).toBeLessThan(5_000);
    expect([0, 408]).toContain(statusOf(answer));
    expect(fake.requests.length).toBe(0);
  });
});

describe('when a flood of connections arrives', () => {
  it('then connections past server.maxConnections get a clear 503, and capacity returns after', async () => {
    const sockets = await Promise.all(Array.from({ length: 30 }, () => open(gateway.port)));
    const answers = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let answer = '';
            socket.setEncoding('utf8');
            socket.on('data', (text: string) => (answer += text));
            socket.on('error', () => resolve(answer));
            socket.once('close', () => resolve(answer));
            setTimeout(() => resolve(answer), 1_000);
          }),
      ),
    );
    const refused = answers.filter((answer) => statusOf(answer) === 503);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(refused[0]).toContain('too_many_connections');
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});
