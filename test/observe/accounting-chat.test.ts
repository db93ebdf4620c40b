import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when a chat completion returns provider usage, then the access line and /metrics account it exactly', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('logs and counts 12 input + 20 output tokens at 0.15 / 0.60 USD per 1M', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 50, temperature: 0.2 });
    expect(res.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 20 });

    const [line] = await waitForAccessLines(stack.gw, 1);
    // 12 x 0.15 + 20 x 0.60 = 13.8 USD per 1M requests -> 0.0000138 USD
    expect(line).toMatchObject({
      route: 'chat', model: 'gpt-4o-mini', response_model: 'gpt-4o-mini', upstream: 'fake', status: 200, attempts: 1, stream: false,
      tokens: { input: 12, cached_input: 0, cache_write: 0, output: 20, reasoning: 0 }, usage_source: 'provider', cost_usd: 0.0000138, key: 'anonymous',
    });
    expect(line?.error_type).toBeUndefined();
    expect(typeof line?.latency_ms).toBe('number');

    const samples = parseSamples((await scrape(stack.gw)).text);
    const who = { model: 'gpt-4o-mini', upstream: 'fake', key: 'anonymous', usage_source: 'provider' };
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'input' })).toBe(12);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'output' })).toBe(20);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'cached_input' })).toBe(0);
    expect(valueOf(samples, 'breakwater_cost_usd_total', who)).toBe(0.0000138);
    expect(valueOf(samples, 'breakwater_requests_total', { route: 'chat', model: 'gpt-4o-mini', upstream: 'fake', status_code: '200', error_type: '' })).toBe(1);
  });
});
