import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when the upstream answers 503, 503, then 200, then the server span has three CLIENT children and two retry events', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tracing: true, config: { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budgetRatio: 1 } } });
  });

  it('records each attempt with its status, each retry, and the metrics to match', async () => {
    stack.fake.script('retry', [{ status: 503 }, { status: 503 }, {}]);
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fake-scenario': 'retry' } }).withResponse();
    expect(res.response.headers.get('x-breakwater-attempts')).toBe('3');

    const spans = await stack.receiver!.waitForSpans((all) => all.some((s) => s.kind === 2) && all.filter((s) => s.kind === 3).length >= 3);
    const server = spans.find((s) => s.kind === 2)!;
    const children = spans.filter((s) => s.kind === 3 && s.parentSpanId === server.spanId).sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
    expect(children.map((c) => c.attributes['http.response.status_code'])).toEqual([503, 503, 200]);
    expect(children.map((c) => c.attributes['breakwater.attempt'])).toEqual([1, 2, 3]);
    expect(children.map((c) => c.attributes['error.type'] ?? '')).toEqual(['upstream_5xx', 'upstream_5xx', '']);
    expect(children.map((c) => c.status.code)).toEqual([2, 2, 0]);
    // Each attempt told the upstream its own span id.
    expect(stack.fake.requests.map((r) => r.headers['traceparent'])).toEqual(children.map((c) => `00-${c.traceId}-${c.spanId}-01`));

    const retries = server.events.filter((e) => e.name === 'breakwater.retry');
    expect(retries).toHaveLength(2);
    expect(retries[0]?.attributes).toMatchObject({ 'breakwater.upstream': 'fake', 'breakwater.reason': 'upstream_5xx' });
    expect(server.attributes).toMatchObject({ 'breakwater.attempts': 3, 'http.response.status_code': 200 });

    await waitForAccessLines(stack.gw, 1);
    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_upstream_attempts_total', { upstream: 'fake', outcome: 'upstream_5xx' })).toBe(2);
    expect(valueOf(samples, 'breakwater_upstream_attempts_total', { upstream: 'fake', outcome: 'success' })).toBe(1);
    expect(valueOf(samples, 'breakwater_retries_total', { upstream: 'fake', reason: 'upstream_5xx' })).toBe(2);
  });
});
