import { describe, expect, it } from 'vitest';
import { AnthropicUsage, anthropicUsageFromJson } from './anthropic-usage.js';

function fold(...reports: unknown[]): ReturnType<AnthropicUsage['toTokenUsage']> {
  const counters = new AnthropicUsage();
  for (const report of reports) counters.see(report);
  return counters.toTokenUsage();
}

const START = {
  input_tokens: 100,
  cache_creation_input_tokens: 10,
  cache_read_input_tokens: 40,
  cache_creation: { ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 4 },
  output_tokens: 1,
  service_tier: 'standard',
};

describe('Anthropic usage: the last report of each field wins, never a sum', () => {
  it('message_start then cumulative output-only deltas (the documented shape)', () => {
    expect(fold(START, { output_tokens: 10 }, { output_tokens: 20 }, { output_tokens: 30 })).toEqual({
      input: 100, cachedInput: 40, cacheWrite: 10, cacheWrite1h: 4, output: 30, reasoning: 0, source: 'provider',
    });
  });

  it('zeros on message_start, everything on the last delta (translating proxies): the delta wins', () => {
    const usage = fold({ input_tokens: 0, output_tokens: 0 }, { output_tokens: 15 }, { input_tokens: 100, cache_creation_input_tokens: 10, cache_read_input_tokens: 40, output_tokens: 30 });
    expect(usage).toEqual({ input: 100, cachedInput: 40, cacheWrite: 10, output: 30, reasoning: 0, source: 'provider' });
  });

  it('everything on the start and repeated on every delta (today\'s API): counted once', () => {
    const repeat = (output: number) => ({ input_tokens: 100, cache_creation_input_tokens: 10, cache_read_input_tokens: 40, output_tokens: output });
    expect(fold(START, repeat(10), repeat(20), repeat(30))).toMatchObject({ input: 100, cachedInput: 40, cacheWrite: 10, cacheWrite1h: 4, output: 30 });
  });

  it('null fields on a delta keep the earlier value', () => {
    expect(fold(START, { input_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: null, output_tokens: 7 })).toMatchObject({ input: 100, cachedInput: 40, cacheWrite: 10, output: 7 });
  });

  it('thinking tokens are the reasoning share of output_tokens', () => {
    expect(fold({ input_tokens: 5, output_tokens: 50, output_tokens_details: { thinking_tokens: 35 } })).toMatchObject({ output: 15, reasoning: 35 });
    expect(fold({ input_tokens: 5, output_tokens: 10, output_tokens_details: { thinking_tokens: 35 } })).toMatchObject({ output: 0, reasoning: 10 });
  });

  it('a TTL split without the total counts as the total', () => {
    expect(fold({ input_tokens: 1, output_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 2 } })).toMatchObject({ cacheWrite: 5, cacheWrite1h: 2 });
  });

  it('a whole answer\'s usage, or none', () => {
    expect(anthropicUsageFromJson({ input_tokens: 12, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 })).toEqual({
      input: 12, cachedInput: 0, cacheWrite: 0, output: 20, reasoning: 0, source: 'provider',
    });
    expect(anthropicUsageFromJson({ service_tier: 'standard' })).toBeUndefined();
    expect(anthropicUsageFromJson(null)).toBeUndefined();
    expect(anthropicUsageFromJson({ input_tokens: -3, output_tokens: 2.7 })).toMatchObject({ input: 0, output: 2 });
  });

  it('tells a real prompt report from a translating proxy\'s zeros', () => {
    const zeros = new AnthropicUsage();
    zeros.see({ input_tokens: 0, output_tokens: 0 });
    expect([zeros.seen, zeros.promptKnown]).toEqual([true, false]);
    const real = new AnthropicUsage();
    real.see(START);
    expect(real.promptKnown).toBe(true);
  });
});
