import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ERROR_CLASS_NAMES, ERROR_CLASSES } from '../errors/classes.js';
import { decideRetry, parseRetryHint, type RetryInput, type RetrySettings } from './retry-policy.js';

const SETTINGS: RetrySettings = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

function input(overrides: Partial<RetryInput> = {}): RetryInput {
  return { errorClass: 'upstream_5xx', attemptsMade: 1, hintMs: undefined, remainingMs: 60_000, budgetAllows: true, random: 0.5, ...overrides };
}

describe('decideRetry', () => {
  it('retries every retryable class and no other', () => {
    for (const errorClass of ERROR_CLASS_NAMES) {
      expect(decideRetry(SETTINGS, input({ errorClass })).retry, errorClass).toBe(ERROR_CLASSES[errorClass].retryable);
    }
    expect(decideRetry(SETTINGS, input({ errorClass: 'invalid_request' }))).toEqual({ retry: false, reason: 'not_retryable' });
  });

  it('retries 500, 502, 503, 504 and Anthropic\'s 529 (overloaded) but not a 5xx that answers the same every time', () => {
    for (const status of [500, 502, 503, 504, 529]) expect(decideRetry(SETTINGS, input({ status })).retry, String(status)).toBe(true);
    for (const status of [501, 505, 511]) expect(decideRetry(SETTINGS, input({ status }))).toEqual({ retry: false, reason: 'not_retryable' });
  });

  it('stops when the attempts on this target are used up', () => {
    expect(decideRetry(SETTINGS, input({ attemptsMade: 2 })).retry).toBe(true);
    expect(decideRetry(SETTINGS, input({ attemptsMade: 3 }))).toEqual({ retry: false, reason: 'attempts_exhausted' });
  });

  it('stops when the retry budget is empty', () => {
    expect(decideRetry(SETTINGS, input({ budgetAllows: false }))).toEqual({ retry: false, reason: 'budget_exhausted' });
  });

  it('backs off exponentially with full jitter, capped at maxDelayMs', () => {
    expect(decideRetry(SETTINGS, input({ attemptsMade: 1, random: 0.5 }))).toEqual({ retry: true, delayMs: 50 });
    expect(decideRetry(SETTINGS, input({ attemptsMade: 2, random: 0.5 }))).toEqual({ retry: true, delayMs: 100 });
    expect(decideRetry(SETTINGS, input({ attemptsMade: 1, random: 0 }))).toEqual({ retry: true, delayMs: 0 });
    const many = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(decideRetry(many, input({ attemptsMade: 8, random: 0.999 }))).toEqual({ retry: true, delayMs: 999 });
  });

  it('keeps every delay within [0, min(maxDelayMs, base * 2^(n-1)))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attemptsMade, random) => {
        const settings = { maxAttempts: 10, baseDelayMs: 250, maxDelayMs: 8_000 };
        const decision = decideRetry(settings, input({ attemptsMade, random }));
        if (!decision.retry) return false;
        const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attemptsMade - 1));
        return decision.delayMs >= 0 && decision.delayMs < ceiling || (ceiling === 0 && decision.delayMs === 0);
      }),
    );
  });

  it('waits exactly the upstream hint instead of the backoff, never shorter', () => {
    expect(decideRetry(SETTINGS, input({ errorClass: 'rate_limited', hintMs: 1_000, random: 0 }))).toEqual({ retry: true, delayMs: 1_000 });
    expect(decideRetry(SETTINGS, input({ hintMs: 0 }))).toEqual({ retry: true, delayMs: 0 });
  });

  it('does not retry here when the hint is longer than maxDelayMs', () => {
    expect(decideRetry(SETTINGS, input({ errorClass: 'rate_limited', hintMs: 2_001 }))).toEqual({ retry: false, reason: 'hint_too_long' });
  });

  it('never waits past the request deadline', () => {
    expect(decideRetry(SETTINGS, input({ hintMs: 1_500, remainingMs: 1_500 }))).toEqual({ retry: false, reason: 'deadline' });
    expect(decideRetry(SETTINGS, input({ hintMs: 1_500, remainingMs: 1_501 }))).toEqual({ retry: true, delayMs: 1_500 });
    expect(decideRetry(SETTINGS, input({ random: 0.5, remainingMs: 10 }))).toEqual({ retry: false, reason: 'deadline' });
    expect(decideRetry(SETTINGS, input({ remainingMs: 0, random: 0 }))).toEqual({ retry: false, reason: 'deadline' });
  });

  it('checks retryability before attempts, attempts before budget', () => {
    expect(decideRetry(SETTINGS, input({ errorClass: 'auth', attemptsMade: 3, budgetAllows: false }))).toMatchObject({ reason: 'not_retryable' });
    expect(decideRetry(SETTINGS, input({ attemptsMade: 3, budgetAllows: false }))).toMatchObject({ reason: 'attempts_exhausted' });
  });
});

describe('parseRetryHint', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads Retry-After in seconds', () => {
    expect(parseRetryHint({ 'retry-after': '1' }, now)).toBe(1_000);
    expect(parseRetryHint({ 'retry-after': ' 2 ' }, now)).toBe(2_000);
    expect(parseRetryHint({ 'retry-after': '0.5' }, now)).toBe(500);
  });

  it('reads Retry-After as an HTTP date, and a past date as no wait', () => {
    expect(parseRetryHint({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }, now)).toBe(3_000);
    expect(parseRetryHint({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
  });

  it('prefers retry-after-ms, then x-ms-retry-after-ms, over retry-after', () => {
    expect(parseRetryHint({ 'retry-after-ms': '250', 'retry-after': '5' }, now)).toBe(250);
    expect(parseRetryHint({ 'x-ms-retry-after-ms': '120.4', 'retry-after': '5' }, now)).toBe(121);
    expect(parseRetryHint({ 'retry-after-ms': '10', 'x-ms-retry-after-ms': '20' }, now)).toBe(10);
  });

  it('ignores absent, negative and unreadable hints', () => {
    expect(parseRetryHint({}, now)).toBeUndefined();
    expect(parseRetryHint({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryHint({ 'retry-after': '-1' }, now)).toBeUndefined();
    expect(parseRetryHint({ 'retry-after-ms': '-5' }, now)).toBeUndefined();
    expect(parseRetryHint({ 'retry-after-ms': 'abc', 'retry-after': '1' }, now)).toBe(1_000);
  });

  it('takes the first of repeated header values', () => {
    expect(parseRetryHint({ 'retry-after': ['3', '9'] }, now)).toBe(3_000);
  });
});
