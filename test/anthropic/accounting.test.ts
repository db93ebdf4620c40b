import { beforeAll, describe, expect, it } from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import { accessLineOf, anthropicSdk, anthropicStack, MESSAGES, MODEL, parseSamples, scrape, usageHeader, valueOf, type AnthropicStack } from './harness.ts';

/*
 * Exact accounting wherever Anthropic's usage arrives. Every case reports the same answer: 100
 * uncached input tokens, 40 read from the cache, 10 written to it, 30 output. `message_delta.usage`
 * is cumulative: summing 3 deltas would give 60 (or 90) output, and 3x the input in `both` mode.
 * Prices: Sonnet at list (3 input, 0.30 cache read, 3.75 5-minute write, 6 1-hour write, 15 output).
 */
const USAGE = { input_tokens: 100, cache_read_input_tokens: 40, cache_creation_input_tokens: 10, output_tokens: 30 };
const TOKENS = { input: 100, cached_input: 40, cache_write: 10, output: 30, reasoning: 0 };
/** 100 x 3 + 40 x 0.3 + 10 x 3.75 + 30 x 15 = 799.5 USD per 1M tokens. */
const COST_5M = 0.0007995;
/** The same with 4 of the 10 writes kept an hour: 6 x 3.75 + 4 x 6 instead of 10 x 3.75. */
const COST_1H = 0.0008085;

describe('when Anthropic answers report their usage, then every bucket and the cost are exact, wherever the usage arrives', () => {
  let stack: AnthropicStack;
  let client: Anthropic;
  const base = { model: MODEL, max_tokens: 64, messages: MESSAGES };
  beforeAll(async () => {
    stack = await anthropicStack();
    client = anthropicSdk(stack.gw);
  });

  async function streamed(usage: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { data, response } = await client.messages.create({ ...base, stream: true }, { headers: usageHeader(usage) }).withResponse();
    const types: string[] = [];
    for await (const event of data) types.push(event.type);
    expect(types.at(-1)).toBe('message_stop');
    return accessLineOf(stack.gw, response.headers.get('x-request-id'));
  }

  it('then a whole (non-stream) answer is read from its usage, 1-hour cache writes priced as such', async () => {
    const { data, response } = await client.messages.create(base, { headers: usageHeader({ ...USAGE, ephemeral_1h_input_tokens: 4 }) }).withResponse();
    expect(data.usage).toMatchObject({ ...USAGE, cache_creation: { ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 4 } });
    const line = await accessLineOf(stack.gw, response.headers.get('x-request-id'));
    expect(line).toMatchObject({ route: 'messages', model: MODEL, response_model: MODEL, stream: false, tokens: TOKENS, usage_source: 'provider', cost_usd: COST_1H });
  });

  it('then usage on message_start only (output cumulative on one delta) is exact', async () => {
    const line = await streamed({ ...USAGE, ephemeral_1h_input_tokens: 4, mode: 'start' });
    expect(line).toMatchObject({ stream: true, stream_outcome: 'completed', tokens: TOKENS, usage_source: 'provider', cost_usd: COST_1H });
  });

  it('then usage on message_start with three cumulative deltas counts the last output, not their sum', async () => {
    const line = await streamed({ ...USAGE, mode: 'start', deltas: 3 });
    expect(line).toMatchObject({ tokens: TOKENS, cost_usd: COST_5M });
  });

  it('then usage only on the last delta (zeros on message_start, as translating proxies send) is taken from the delta', async () => {
    const line = await streamed({ ...USAGE, mode: 'delta', deltas: 3 });
    expect(line).toMatchObject({ tokens: TOKENS, usage_source: 'provider', cost_usd: COST_5M });
  });

  it('then usage on the start and repeated on every delta (today\'s API) is counted once, the 1-hour split kept from the start', async () => {
    const line = await streamed({ ...USAGE, ephemeral_1h_input_tokens: 4, mode: 'both', deltas: 3 });
    expect(line).toMatchObject({ tokens: TOKENS, cost_usd: COST_1H });
  });

  it('then the token and cost counters hold exactly the sum of the answers', async () => {
    const samples = parseSamples((await scrape(stack.gw)).text);
    const labels = { model: MODEL, upstream: 'claude', key: 'anonymous', usage_source: 'provider' };
    expect(valueOf(samples, 'breakwater_tokens_total', { ...labels, type: 'input' })).toBe(500);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...labels, type: 'cached_input' })).toBe(200);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...labels, type: 'cache_write' })).toBe(50);
    expect(valueOf(samples, 'breakwater_tokens_total', { ...labels, type: 'output' })).toBe(150);
    expect(valueOf(samples, 'breakwater_cost_usd_total', labels)).toBeCloseTo(3 * COST_1H + 2 * COST_5M, 12);
    expect(valueOf(samples, 'breakwater_requests_total', { route: 'messages', status_code: '200', error_type: '' })).toBe(5);
    expect(valueOf(samples, 'breakwater_stream_outcomes_total', { model: MODEL, outcome: 'completed' })).toBe(4);
  });
});
