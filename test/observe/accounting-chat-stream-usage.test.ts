import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when a client streams chat with include_usage, then it gets the usage chunk and the gateway accounts the same numbers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('passes the usage chunk through and logs and counts it once', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-fake-chunks': '3', 'x-fake-usage': '{"prompt_tokens":1000,"completion_tokens":250}' } },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 250 });

    const [line] = await waitForAccessLines(stack.gw, 1);
    // 1000 x 0.15 + 250 x 0.60 = 300 USD per 1M -> 0.0003
    expect(line).toMatchObject({ stream: true, stream_outcome: 'completed', tokens: { input: 1000, output: 250 }, usage_source: 'provider', cost_usd: 0.0003 });
    expect(typeof line?.ttft_ms).toBe('number');
    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_tokens_total', { type: 'input' })).toBe(1000);
    expect(valueOf(samples, 'breakwater_tokens_total', { type: 'output' })).toBe(250);
    expect(valueOf(samples, 'breakwater_cost_usd_total', { model: 'gpt-4o-mini', usage_source: 'provider' })).toBe(0.0003);
    expect(valueOf(samples, 'breakwater_time_to_first_token_seconds_count', { model: 'gpt-4o-mini', upstream: 'fake' })).toBe(1);
  });
});
