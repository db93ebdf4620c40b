import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when a Responses API call returns usage, then it is accounted exactly under route responses', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('reads input_tokens / output_tokens and their details', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const res = await client.responses.create(
      { model: 'gpt-4o-mini', input: 'hi' },
      { headers: { 'x-fake-usage': '{"prompt_tokens":200,"completion_tokens":50,"cached_tokens":100}', 'x-fake-model': 'gpt-4o-mini-2024-07-18' } },
    );
    expect(res.usage).toMatchObject({ input_tokens: 200, output_tokens: 50 });

    const [line] = await waitForAccessLines(stack.gw, 1);
    // 100 x 0.15 + 100 x 0.075 + 50 x 0.60 = 52.5 USD per 1M -> 0.0000525 (the dated snapshot is priced as its family)
    expect(line).toMatchObject({
      route: 'responses', model: 'gpt-4o-mini', response_model: 'gpt-4o-mini-2024-07-18',
      tokens: { input: 100, cached_input: 100, cache_write: 0, output: 50, reasoning: 0 }, usage_source: 'provider', cost_usd: 0.0000525,
    });
    const samples = parseSamples((await scrape(stack.gw)).text);
    const who = { model: 'gpt-4o-mini', upstream: 'fake', key: 'anonymous', usage_source: 'provider' };
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'input' })).toBe(100);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'cached_input' })).toBe(100);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'output' })).toBe(50);
    expect(valueOf(samples, 'breakwater_cost_usd_total', who)).toBe(0.0000525);
    expect(valueOf(samples, 'breakwater_requests_total', { route: 'responses', status_code: '200' })).toBe(1);
  });
});
