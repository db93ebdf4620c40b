import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KEY, startStack, type Stack } from './observe-helpers.ts';

describe('when a stream takes a while, then the spans end at the end of the stream, not at the response headers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tracing: true });
  });

  it('spans cover the whole stream and record first token and stream outcome', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-fake-chunks': '4', 'x-fake-chunk-delay-ms': '100' } },
    );
    let lastChunkAtNs = 0n;
    for await (const _chunk of stream) lastChunkAtNs = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));

    const spans = await stack.receiver!.waitForSpans((all) => all.some((s) => s.kind === 2) && all.some((s) => s.kind === 3));
    const server = spans.find((s) => s.kind === 2)!;
    const attempt = spans.find((s) => s.kind === 3)!;
    const durationMs = (span: { startTimeUnixNano: bigint; endTimeUnixNano: bigint }): number => Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
    // 5 delays of 100 ms: the headers came after ~0 ms, the end after ~500 ms.
    expect(durationMs(server)).toBeGreaterThanOrEqual(450);
    expect(durationMs(attempt)).toBeGreaterThanOrEqual(450);
    // Same host, same clock: the server span ends no earlier than ~the client's last chunk (2 ms slack for clock rounding).
    expect(server.endTimeUnixNano + 2_000_000n).toBeGreaterThanOrEqual(lastChunkAtNs - 50_000_000n);
    // The SDK anchors each span to the wall clock when the span starts (Date.now() against
    // performance.now()), so two spans' timestamps can disagree by a few ms on a loaded machine:
    // the server span ends after the attempt span, within that anchoring error.
    expect(server.endTimeUnixNano + 10_000_000n).toBeGreaterThanOrEqual(attempt.endTimeUnixNano);
    const names = server.events.map((e) => e.name);
    expect(names).toContain('breakwater.first_token');
    expect(server.events.find((e) => e.name === 'breakwater.stream.end')?.attributes).toEqual({ 'breakwater.stream_outcome': 'completed' });
    expect(server.attributes['gen_ai.response.time_to_first_chunk']).toBeLessThan(0.4);
    expect(server.attributes['gen_ai.request.stream']).toBe(true);
  });
});
