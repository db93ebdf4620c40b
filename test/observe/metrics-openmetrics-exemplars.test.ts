import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, scrape, startStack, type Stack } from './observe-helpers.ts';

const OPENMETRICS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('when Prometheus asks for OpenMetrics, then the latency histograms carry the trace id of a request as exemplar', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tracing: true });
  });

  it('links buckets to the trace, and the plain text scrape after it is unchanged', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const [line] = await waitForAccessLines(stack.gw, 1);
    const traceId = String(line?.trace_id);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const open = await scrape(stack.gw, OPENMETRICS_ACCEPT);
    expect(open.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.text.endsWith('# EOF\n')).toBe(true);
    for (const histogram of ['breakwater_request_duration_seconds', 'breakwater_time_to_first_token_seconds', 'breakwater_gateway_overhead_seconds']) {
      const withExemplar = open.text.split('\n').filter((l) => l.startsWith(`${histogram}_bucket`) && l.includes(`# {trace_id="${traceId}"}`));
      expect(withExemplar.length, histogram).toBe(1);
    }
    expect(open.text).toContain('breakwater_requests_total{');

    // prom-client renames counters in place for OpenMetrics; the next text scrape must still say _total.
    const plain = await scrape(stack.gw);
    expect(plain.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(plain.text).toContain('# TYPE breakwater_requests_total counter');
    expect(plain.text).toContain('breakwater_requests_total{route="chat"');
    expect(plain.text).not.toContain('trace_id');
  });
});
