import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when embeddings are created, then only input tokens are accounted, at the embedding price', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('counts prompt tokens as input and nothing as output', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const res = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] }, { headers: { 'x-fake-usage': '{"prompt_tokens":12}' } });
    expect(res.data).toHaveLength(2);

    const [line] = await waitForAccessLines(stack.gw, 1);
    // 12 x 0.02 = 0.24 USD per 1M -> 0.00000024
    expect(line).toMatchObject({ route: 'embeddings', model: 'text-embedding-3-small', tokens: { input: 12, output: 0, reasoning: 0 }, usage_source: 'provider', cost_usd: 0.00000024 });
    const samples = parseSamples((await scrape(stack.gw)).text);
    const who = { model: 'text-embedding-3-small', upstream: 'fake', key: 'anonymous', usage_source: 'provider' };
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'input' })).toBe(12);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...who, type: 'output' })).toBe(0);
    expect(valueOf(samples, 'breakwater_cost_usd_total', who)).toBe(0.00000024);
    expect(valueOf(samples, 'breakwater_time_to_first_token_seconds_count', { model: 'text-embedding-3-small' })).toBe(1);
  });
});
