import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when the upstream reports no usage, then tokens are estimated with the tokenizer and labelled estimated', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('estimates 8 input and 4 output tokens (o200k_base) and never labels them provider', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fake-usage': 'none' } });
    expect(res.usage).toBeUndefined();

    const [line] = await waitForAccessLines(stack.gw, 1);
    // input: 3 priming + 3 per message + "user" (1) + "hi" (1) = 8; output: "Hello from fake upstream" = 4 tokens.
    // 8 x 0.15 + 4 x 0.60 = 3.6 USD per 1M -> 0.0000036
    expect(line).toMatchObject({ tokens: { input: 8, cached_input: 0, output: 4, reasoning: 0 }, usage_source: 'estimated', cost_usd: 0.0000036 });
    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_tokens_total', { type: 'input', usage_source: 'estimated' })).toBe(8);
    expect(valueOf(samples, 'breakwater_tokens_total', { type: 'output', usage_source: 'estimated' })).toBe(4);
    expect(valueOf(samples, 'breakwater_tokens_total', { usage_source: 'provider' })).toBe(0);
    expect(valueOf(samples, 'breakwater_cost_usd_total', { model: 'gpt-4o-mini', usage_source: 'estimated' })).toBe(0.0000036);
  });
});
