import { describe, expect, it } from 'vitest';
import { reservedTokens, usedTokens } from './reservation.js';

const base = { operation: 'chat', bodyBytes: 400, maxTokens: undefined, defaultMaxTokens: 1000, tpm: 100_000 } as const;

describe('reservedTokens', () => {
  it('reserves body bytes / 4 plus max_tokens, or the configured default', () => {
    expect(reservedTokens({ ...base, maxTokens: 50 })).toBe(150);
    expect(reservedTokens(base)).toBe(1100);
  });
  it('reserves no output for embeddings', () => {
    expect(reservedTokens({ ...base, operation: 'embeddings' })).toBe(100);
  });
  it('never reserves more than the whole tpm window', () => {
    expect(reservedTokens({ ...base, tpm: 500 })).toBe(500);
  });
});

describe('usedTokens', () => {
  it('sums the disjoint buckets, and is 0 without usage', () => {
    expect(usedTokens({ input: 1, cachedInput: 2, cacheWrite: 3, output: 4, reasoning: 5, source: 'provider' })).toBe(15);
    expect(usedTokens(undefined)).toBe(0);
  });
});
