import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayBefore } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayBefore(fake, { retry: { maxAttempts: 1 } });
});

describe('when a faulty upstream streams one SSE event that never ends', () => {
  it('then the gateway cuts it past the event size limit, ends the client stream with an error event, and counts it', async () => {
    const started = Date.now();
    const response = await request(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      // 64 MiB of one event, and the upstream never ends the connection.
      headers: { 'content-type': 'application/json', 'x-fake-endless-event-bytes': String(64 * 1024 * 1024) },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await response.body.text();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(response.statusCode).toBe(200);
    expect(text).not.toContain('xxxx');
    const error = text.slice(text.indexOf('event: error'));
    expect(error).toMatch(/^event: error\ndata: /);
    expect(JSON.parse(error.split('\n')[1]!.slice('data: '.length))).toMatchObject({ error: { code: 'upstream_truncated' } });
    const [line] = await waitForAccessLines(gateway, 1);
    expect(line).toMatchObject({ stream_outcome: 'upstream_truncated', error_type: 'upstream_5xx' });
    await expect.poll(() => fake.requests.at(-1)?.aborted, { timeout: 5_000 }).toBe(true);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/breakwater_stream_outcomes_total\{[^}]*outcome="upstream_truncated"[^}]*\} 1/);
    const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1]);
    expect(rss).toBeLessThan(300 * 1024 * 1024);
  });
});
