import { describe, expect, it } from 'vitest';
import { parsePriceFile, readYaml } from '../config/load.js';
import { costUsd, PriceTable } from './pricing.js';
import type { TokenUsage } from './types.js';

const SHIPPED = new URL('../../config/pricing.yaml', import.meta.url).pathname;
const shipped = new PriceTable(parsePriceFile(readYaml(SHIPPED), SHIPPED));

function usage(partial: Partial<TokenUsage>): TokenUsage {
  return { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, source: 'provider', ...partial };
}

describe('shipped config/pricing.yaml', () => {
  it('parses and covers the required families', () => {
    for (const m of [
      'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini',
      'o1', 'o3', 'o3-mini', 'o4-mini', 'gpt-3.5-turbo', 'text-embedding-3-small', 'text-embedding-3-large',
      'text-embedding-ada-002',
    ]) {
      expect(shipped.lookup(m), m).toBeDefined();
    }
    expect(shipped.lookup('gpt-4o')).toEqual({ input: 2.5, cachedInput: 1.25, output: 10 });
  });

  it('prices the Claude models Claude Code and the Anthropic SDKs ask for, every cache bucket included', () => {
    for (const m of [
      'claude-opus-5-5', 'claude-opus-5', 'claude-sonnet-5-5', 'claude-sonnet-5', 'claude-haiku-5-5', 'claude-fable-5-1',
      'claude-opus-4-8', 'claude-opus-4-7', 'claude-opus-4-6', 'claude-opus-4-5', 'claude-opus-4-1', 'claude-sonnet-4-6',
      'claude-sonnet-4-5', 'claude-sonnet-4', 'claude-haiku-4-5',
    ]) {
      const price = shipped.lookup(m);
      expect(price, m).toBeDefined();
      expect(Object.keys(price!).sort(), m).toEqual(['cacheWrite', 'cacheWrite1h', 'cachedInput', 'input', 'output']);
    }
    expect(shipped.lookup('claude-opus-5-5')).toEqual({ input: 4, cachedInput: 0.2, cacheWrite: 5, cacheWrite1h: 8, output: 20 });
    // dated snapshots resolve to their family, never to an older family's price
    expect(shipped.lookup('claude-haiku-4-5-20251001')?.input).toBe(1);
    expect(shipped.lookup('claude-sonnet-4-5-20250929')?.input).toBe(3);
  });
});

describe('PriceTable.lookup', () => {
  const table = new PriceTable({
    'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
    'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
    'gpt-4o-2024-05-13': { input: 5, output: 15 },
  });

  it('exact name', () => {
    expect(table.lookup('gpt-4o-mini')?.input).toBe(0.15);
  });

  it('dated snapshot falls back to the longest prefix', () => {
    expect(table.lookup('gpt-4o-2024-08-06')?.input).toBe(2.5);
    expect(table.lookup('gpt-4o-mini-2024-07-18')?.input).toBe(0.15);
    expect(table.lookup('gpt-4o-2024-05-13')?.input).toBe(5);
  });

  it('unknown model, and no prefix match without a dash boundary', () => {
    expect(table.lookup('claude-3-5-sonnet')).toBeUndefined();
    expect(table.lookup('gpt-4omni')).toBeUndefined();
    expect(table.lookup('')).toBeUndefined();
    // cached miss stays a miss
    expect(table.lookup('claude-3-5-sonnet')).toBeUndefined();
  });
});

describe('costUsd', () => {
  const gpt4o = { input: 2.5, cachedInput: 1.25, output: 10 };

  it('input and output', () => {
    expect(costUsd(usage({ input: 1000, output: 500 }), gpt4o)).toBe(0.0075);
  });

  it('cached input at its own price; reasoning falls back to output', () => {
    const o4mini = { input: 1.1, cachedInput: 0.275, output: 4.4 };
    // 176*1.1 + 1024*0.275 + 180*4.4 + 320*4.4 = 193.6 + 281.6 + 792 + 1408 = 2675.2 µ$
    expect(costUsd(usage({ input: 176, cachedInput: 1024, output: 180, reasoning: 320 }), o4mini)).toBe(0.0026752);
  });

  it('cache writes cost 1.25 x input when unpriced (Anthropic list rate, the contract), or their own price', () => {
    expect(costUsd(usage({ cacheWrite: 1_000_000 }), gpt4o)).toBe(3.125);
    expect(costUsd(usage({ cacheWrite: 1_000_000 }), { ...gpt4o, cacheWrite: 3 })).toBe(3);
  });

  it('the 1-hour share of cache writes costs cacheWrite1h (2 x input when unpriced); the rest cacheWrite', () => {
    const sonnet = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6, output: 15 };
    // 600k x 3.75 + 400k x 6 = 2.25 + 2.4
    expect(costUsd(usage({ cacheWrite: 1_000_000, cacheWrite1h: 400_000 }), sonnet)).toBe(4.65);
    const { cacheWrite1h: _, ...without1h } = sonnet;
    // 600k x 3.75 + 400k x (2 x 3)
    expect(costUsd(usage({ cacheWrite: 1_000_000, cacheWrite1h: 400_000 }), without1h)).toBe(4.65);
    // a 1h share larger than the writes (a provider's bad numbers) is capped at the writes
    expect(costUsd(usage({ cacheWrite: 100, cacheWrite1h: 500 }), sonnet)).toBe(costUsd(usage({ cacheWrite: 100, cacheWrite1h: 100 }), sonnet));
  });

  it('no float drift where naive per-bucket division would drift', () => {
    const p = { input: 0.1, output: 0.2 };
    // naive: 3*0.1/1e6 + 3*0.2/1e6 = 9.000000000000001e-7
    expect(costUsd(usage({ input: 3, output: 3 }), p)).toBe(9e-7);
    expect(costUsd(usage({ input: 1, cachedInput: 2, output: 7 }), { input: 0.15, cachedInput: 0.075, output: 0.6 })).toBe(0.0000045);
  });

  it('zero usage costs zero', () => {
    expect(costUsd(usage({}), gpt4o)).toBe(0);
  });
});
