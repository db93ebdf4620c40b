import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when the client aborts mid-stream, then the tokens delivered so far are accounted (estimated) and the outcome counted', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('logs client_cancelled with an estimate between what the client read and the whole answer', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-fake-chunks': '6', 'x-fake-chunk-delay-ms': '150' }, signal: controller.signal },
    );
    let content = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content?.startsWith('tok') === true) content += 1;
        if (content === 2) controller.abort();
      }
    } catch {
      // the SDK may end the iteration quietly or throw an abort error; either way the client is gone
    }
    expect(content).toBe(2);

    const [line] = await waitForAccessLines(stack.gw, 1);
    expect(line).toMatchObject({ status: 200, stream_outcome: 'client_cancelled', error_type: 'client_closed', usage_source: 'estimated', tokens: { input: 8, cached_input: 0, reasoning: 0 } });
    const tokens = line?.tokens as { input: number; output: number };
    // "tok0 tok1 " = 5 tokens were read; the whole answer "tok0 ... tok5 " is 13.
    expect(tokens.output).toBeGreaterThanOrEqual(5);
    expect(tokens.output).toBeLessThan(13);
    // Cost is exactly tokens x price: micro-dollars per 1M tokens, summed as integers.
    expect(line?.cost_usd).toBe((tokens.input * 150_000 + tokens.output * 600_000) / 1e12);

    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_stream_outcomes_total', { outcome: 'client_cancelled' })).toBe(1);
    expect(valueOf(samples, 'breakwater_requests_total', { status_code: '200', error_type: 'client_closed' })).toBe(1);
    expect(valueOf(samples, 'breakwater_tokens_total', { type: 'output', usage_source: 'estimated' })).toBe(tokens.output);
    expect(valueOf(samples, 'breakwater_cost_usd_total', { usage_source: 'estimated' })).toBe(line?.cost_usd);
    expect(valueOf(samples, 'breakwater_inflight_requests', { upstream: 'fake' })).toBe(0);
  });
});
