import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.ts';
import { startGateway } from '../helpers/gateway.ts';

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
});

afterAll(async () => {
  await fake.close();
});

function slowStream(baseURL: string, chunks: number, delayMs: number) {
  return request(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fake-chunks': String(chunks), 'x-fake-chunk-delay-ms': String(delayMs) },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('when the gateway gets SIGTERM', () => {
  it('then an in-flight stream finishes, new connections are refused, and it exits 0', async () => {
    const gateway = await startGateway({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }], server: { drainTimeoutMs: 10_000 } } });
    const response = await slowStream(gateway.baseURL, 8, 100);
    const body = response.body.text();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exit = gateway.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
    const text = await body;
    expect(text).toContain('tok7');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await exit).toBe(0);
    const drained = gateway.logs().find((line) => line.msg === 'drained');
    expect(drained).toMatchObject({ cut: 0 });
  });

  it('then a stream longer than server.drainTimeoutMs is cut at the timeout and the exit is still 0', async () => {
    const gateway = await startGateway({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }], server: { drainTimeoutMs: 300 } } });
    const response = await slowStream(gateway.baseURL, 100, 100);
    const body = response.body.text().catch(() => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedAt = Date.now();
    expect(await gateway.stop('SIGINT')).toBe(0);
    // Cut at the drain timeout, not at the stream's end (10 s away); the bound leaves room for a loaded machine.
    expect(Date.now() - stoppedAt).toBeLessThan(8_000);
    const text = await body;
    expect(text.includes('data: [DONE]')).toBe(false);
  });
});
