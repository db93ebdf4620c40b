import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe('when a Responses API stream completes, then usage comes from response.completed and is accounted exactly', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('accounts the usage of the terminal event', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const stream = await client.responses.create(
      { model: 'gpt-4o-mini', input: 'hi', stream: true },
      { headers: { 'x-fake-chunks': '5', 'x-fake-usage': '{"prompt_tokens":40,"completion_tokens":10}' } },
    );
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');

    const [line] = await waitForAccessLines(stack.gw, 1);
    // 40 x 0.15 + 10 x 0.60 = 12 USD per 1M -> 0.000012
    expect(line).toMatchObject({ route: 'responses', stream: true, stream_outcome: 'completed', tokens: { input: 40, output: 10 }, usage_source: 'provider', cost_usd: 0.000012 });
    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_tokens_total', { model: 'gpt-4o-mini', type: 'input', usage_source: 'provider' })).toBe(40);
    expect(valueOf(samples, 'breakwater_tokens_total', { model: 'gpt-4o-mini', type: 'output', usage_source: 'provider' })).toBe(10);
    expect(valueOf(samples, 'breakwater_cost_usd_total', { model: 'gpt-4o-mini' })).toBe(0.000012);
    expect(valueOf(samples, 'breakwater_request_duration_seconds_count', { route: 'responses', stream: 'true' })).toBe(1);
  });
});
