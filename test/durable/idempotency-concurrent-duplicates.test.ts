import { beforeAll, describe, expect, it } from 'vitest';
import { readSseEvents } from '../fixtures/sse.ts';
import { chat, fakeUpstream, gatewayProcess, keyedConfig, llmCalls, metric, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({ config: keyedConfig([fake]) });
});

describe('when two requests with the same Idempotency-Key and body arrive together, then the upstream is called once', () => {
  it('answers both with the one answer (a whole body: the second waits for it)', async () => {
    const headers = { 'idempotency-key': 'dup-whole-1', 'x-fake-delay-ms': '600' };
    const [first, second] = await Promise.all([chat(gw, headers), chat(gw, headers)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.text).toBe(first.text);
    expect(llmCalls(fake).filter((r) => r.headers['idempotency-key'] === 'dup-whole-1')).toHaveLength(1);
    // Exactly one of the two was served from the other's call, and says so.
    const replays = [first, second].filter((answer) => answer.headers.get('x-breakwater-idempotent-replay') === 'true');
    expect(replays).toHaveLength(1);
    expect(await metric(gw, 'breakwater_idempotent_requests_total', { outcome: 'attached' })).toBe(1);
  });

  it('gives a stream that joins late the events so far, then the rest live: the same SSE events', async () => {
    const headers = { 'idempotency-key': 'dup-stream-1', 'x-fake-chunks': '6', 'x-fake-chunk-delay-ms': '150' };
    const body = { stream: true };
    const first = chat(gw, headers, body);
    await until(() => llmCalls(fake).some((r) => r.headers['idempotency-key'] === 'dup-stream-1'), 'the first call upstream');
    await new Promise((resolve) => setTimeout(resolve, 350));
    const second = await chat(gw, headers, body);
    const one = await first;
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toContain('text/event-stream');
    expect(second.headers.get('x-breakwater-idempotent-replay')).toBe('true');
    expect(readSseEvents(second.text).map((event) => event.data)).toEqual(readSseEvents(one.text).map((event) => event.data));
    expect(readSseEvents(one.text).at(-1)?.data).toBe('[DONE]');
    expect(llmCalls(fake).filter((r) => r.headers['idempotency-key'] === 'dup-stream-1')).toHaveLength(1);
  });
});
