import { describe, expect, it } from 'vitest';
import { reservedTokens, usedTokens } from './reservation.js';

const base = { operation: 'chat', bodyBytes: 400, maxTokens: undefined, choices: 1, defaultMaxTokens: 1000 } as const;

describe('reservedTokens', () => {
  it('reserves body bytes / 4 plus max_tokens, or the configured default', () => {
    expect(reservedTokens({ ...base, maxTokens: 50 })).toBe(150);
    expect(reservedTokens(base)).toBe(1100);
  });
  it('reserves the output once per completion asked for (n, best_of)', () => {
    expect(reservedTokens({ ...base, maxTokens: 50, choices: 4 })).toBe(300);
  });
  it('reserves no output for embeddings', () => {
    expect(reservedTokens({ ...base, operation: 'embeddings', choices: 8 })).toBe(100);
  });
  it('is never capped: a reservation may exceed any tpm (the caller refuses it)', () => {
    expect(reservedTokens({ ...base, maxTokens: 1_000_000, choices: 128 })).toBe(128_000_100);
  });
});

describe('usedTokens', () => {
  it('sums the disjoint buckets, and is 0 without usage', () => {
    expect(usedTokens({ input: 1, cachedInput: 2, cacheWrite: 3, output: 4, reasoning: 5, source: 'provider' })).toBe(15);
    expect(usedTokens(undefined)).toBe(0);
  });
});
