import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when usage reports cached and reasoning tokens, then the buckets are disjoint and each is priced', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('splits 1000 prompt / 500 completion with 400 cached and 300 reasoning', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.chat.completions.create(
      { model: 'o4-mini', messages: [{ role: 'user', content: 'think' }] },
      { headers: { 'x-fake-usage': '{"prompt_tokens":1000,"completion_tokens":500,"cached_tokens":400,"reasoning_tokens":300}' } },
    );
    const [line] = await waitForAccessLines(stack.gw, 1);
    // 600 x 1.10 + 400 x 0.275 + 200 x 4.40 + 300 x 4.40 (reasoning billed as output) = 2970 USD per 1M -> 0.00297
    expect(line).toMatchObject({ model: 'o4-mini', tokens: { input: 600, cached_input: 400, cache_write: 0, output: 200, reasoning: 300 }, usage_source: 'provider', cost_usd: 0.00297 });

    const samples = parseSamples((await scrape(stack.gw)).text);
    const who = { model: 'o4-mini', upstream: 'fake', key: 'anonymous', usage_source: 'provider' };
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'input' })).toBe(600);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'cached_input' })).toBe(400);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'output' })).toBe(200);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'reasoning' })).toBe(300);
    // Disjoint buckets: their sum is the provider's total, never more.
    expect(valueOf(samples, 'breakwater_tokens_total', who)).toBe(1500);
    expect(valueOf(samples, 'breakwater_cost_usd_total', who)).toBe(0.00297);
  });
});
