import { describe, expect, it } from 'vitest';
import { formatReset, rateLimitHeaders } from './headers.js';

describe('formatReset', () => {
  it.each([
    [0, '0ms'],
    [20, '20ms'],
    [999.6, '1s'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [59_999, '59.999s'],
    [360_000, '6m0s'],
    [61_250, '1m1.25s'],
    [3_723_000, '1h2m3s'],
    [3_600_000, '1h0m0s'],
    [-5, '0ms'],
  ])('formats %d ms as %s like OpenAI', (ms, text) => {
    expect(formatReset(ms)).toBe(text);
  });
});

describe('rateLimitHeaders', () => {
  it('writes only the resources the key limits', () => {
    expect(rateLimitHeaders({ limit: 5, remaining: 4, resetMs: 60_000 }, undefined)).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '4',
      'x-ratelimit-reset-requests': '1m0s',
    });
    expect(Object.keys(rateLimitHeaders(undefined, { limit: 9, remaining: -3, resetMs: 1 }))).toEqual([
      'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens',
    ]);
    expect(rateLimitHeaders(undefined, { limit: 9, remaining: -3, resetMs: 1 })['x-ratelimit-remaining-tokens']).toBe('0');
  });
});
