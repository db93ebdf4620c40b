import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, startStack, type Stack } from './observe-helpers.ts';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe("when the client sends a W3C traceparent, then the gateway's spans continue the client's trace", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tracing: true });
  });

  it('parents the server span on the client span and keeps the trace id down to the upstream and the access line', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }, { headers: { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` } });

    const spans = await stack.receiver!.waitForSpans((all) => all.some((s) => s.kind === 2) && all.some((s) => s.kind === 3));
    const server = spans.find((s) => s.kind === 2)!;
    const attempt = spans.find((s) => s.kind === 3)!;
    expect(server.name).toBe('embeddings text-embedding-3-small');
    expect(server.traceId).toBe(CLIENT_TRACE);
    expect(server.parentSpanId).toBe(CLIENT_SPAN);
    expect(attempt.traceId).toBe(CLIENT_TRACE);
    expect(attempt.parentSpanId).toBe(server.spanId);
    expect(stack.fake.requests[0]?.headers['traceparent']).toBe(`00-${CLIENT_TRACE}-${attempt.spanId}-01`);
    const [line] = await waitForAccessLines(stack.gw, 1);
    expect(line).toMatchObject({ trace_id: CLIENT_TRACE, span_id: server.spanId });
  });
});
