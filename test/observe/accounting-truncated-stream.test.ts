import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when the upstream cuts a stream before its terminal event, then what was delivered is still accounted (estimated)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('tells the client, counts the outcome and estimates the delivered tokens', async () => {
    const res = await request(`${stack.gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, 'x-fake-chunks': '3', 'x-fake-truncate': '1' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.body.text();
    expect(text).toContain('event: error');
    expect(text).not.toContain('[DONE]');

    const [line] = await waitForAccessLines(stack.gw, 1);
    // input estimated 8; delivered "tok0 tok1 tok2 " = 7 tokens; 8 x 0.15 + 7 x 0.60 = 5.4 USD per 1M -> 0.0000054
    expect(line).toMatchObject({ status: 200, stream_outcome: 'upstream_truncated', error_type: 'network', tokens: { input: 8, output: 7 }, usage_source: 'estimated', cost_usd: 0.0000054 });
    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_stream_outcomes_total', { model: 'gpt-4o-mini', upstream: 'fake', outcome: 'upstream_truncated' })).toBe(1);
    expect(valueOf(samples, 'breakwater_requests_total', { route: 'chat', status_code: '200', error_type: 'network' })).toBe(1);
    expect(valueOf(samples, 'breakwater_tokens_total', { type: 'output', usage_source: 'estimated' })).toBe(7);
    expect(valueOf(samples, 'breakwater_cost_usd_total', { usage_source: 'estimated' })).toBe(0.0000054);
  });
});
