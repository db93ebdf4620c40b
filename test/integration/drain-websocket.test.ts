import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { hashKey, redis } from '../limits/harness.ts';
import { startGateway, waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream } from '../helpers/stack.ts';

async function openRealtime(gateway: RunningGateway): Promise<Socket> {
  const socket = connect(gateway.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.on('error', () => undefined);
  socket.write(`GET /v1/realtime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  return socket;
}

describe('when the gateway gets SIGTERM with a WebSocket session open', () => {
  it('then it closes the session at drainTimeoutMs, writes its access line, and exits 0', async () => {
    const fake = await fakeUpstream();
    const gateway = await startGateway({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }], server: { drainTimeoutMs: 500 } } });
    const socket = await openRealtime(gateway);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const stoppedAt = Date.now();
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    await closed;
    expect(gateway.logs().find((line) => line.msg === 'drain timeout: cut in-flight requests')).toMatchObject({ cut: 1 });
    expect((await waitForAccessLines(gateway, 1))[0]).toMatchObject({ path: '/realtime', status: 101 });
  });
});

describe('when a limited stream is cut at the drain deadline', () => {
  it('then its tokens and spend are settled in Redis before the gateway exits', async () => {
    const fake = await fakeUpstream();
    const server = await redis();
    const config = {
      upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream' }],
      keys: [{ name: 'team', hash: hashKey('bw-team'), limits: { tpm: 1_000_000, dailyBudgetUsd: 100 } }],
      state: { redisUrl: server.url },
      server: { drainTimeoutMs: 300 },
    };
    const gateway = await startGateway({ config });
    const response = await request(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bw-team', 'x-fake-chunks': '200', 'x-fake-chunk-delay-ms': '50' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, max_tokens: 50_000, messages: [{ role: 'user', content: 'a long answer please' }] }),
    });
    const body = response.body.text().catch(() => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await gateway.stop('SIGTERM')).toBe(0);
    await body;
    const line = (await waitForAccessLines(gateway, 1))[0]!;
    expect(line).toMatchObject({ key: 'team', stream_outcome: 'client_cancelled' });
    expect(line.cost_usd).toBeGreaterThan(0);

    // The 50,000-token reservation was returned (only what the cut stream used stays counted) and its spend was charged.
    const client = new Redis(server.url);
    try {
      const used = async (pattern: string): Promise<number> => {
        const keys = await client.keys(pattern);
        expect(keys, pattern).toHaveLength(1);
        return Number(await client.hget(keys[0]!, 'u'));
      };
      const tokens = await used('*tpm*team*');
      expect(tokens).toBeGreaterThan(0);
      expect(tokens).toBeLessThan(5_000);
      expect(await used('*spend*team*')).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });
});
