import { ERROR_CLASSES, type ErrorClass } from '../errors/classes.js';

export interface RetrySettings {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryInput {
  readonly errorClass: ErrorClass;
  /** The upstream's status, when it answered. */
  readonly status?: number | undefined;
  /** Attempts already made on this target, the failed one included. */
  readonly attemptsMade: number;
  /** Upstream's own wait hint (Retry-After and friends), if it gave one. */
  readonly hintMs: number | undefined;
  /** Time left before the request's overall deadline. */
  readonly remainingMs: number;
  /** The upstream's retry budget has room. */
  readonly budgetAllows: boolean;
  /** A number in [0, 1) for full jitter; injected so the policy stays pure. */
  readonly random: number;
}

/**
 * 5xx statuses that say "try again": a 501 or 505 answers the same way every time, so it is still an
 * `upstream_5xx` (it trips the breaker, it may fall back) but is not retried on the same upstream.
 * 529 is Anthropic's `overloaded_error`, its 503.
 */
const TRANSIENT_5XX: ReadonlySet<number> = new Set([500, 502, 503, 504, 529]);

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'not_retryable' | 'attempts_exhausted' | 'budget_exhausted' | 'hint_too_long' | 'deadline' };

/**
 * Whether to try the same upstream again, and after how long.
 * Exponential backoff with full jitter; an upstream hint replaces the backoff and is never shortened:
 * a hint longer than `maxDelayMs` or than the time left means no retry here (fall back or answer instead).
 */
export function decideRetry(settings: RetrySettings, input: RetryInput): RetryDecision {
  if (!ERROR_CLASSES[input.errorClass].retryable) return { retry: false, reason: 'not_retryable' };
  if (input.status !== undefined && input.status >= 500 && !TRANSIENT_5XX.has(input.status)) return { retry: false, reason: 'not_retryable' };
  if (input.attemptsMade >= settings.maxAttempts) return { retry: false, reason: 'attempts_exhausted' };
  if (!input.budgetAllows) return { retry: false, reason: 'budget_exhausted' };
  let delayMs: number;
  if (input.hintMs !== undefined) {
    if (input.hintMs > settings.maxDelayMs) return { retry: false, reason: 'hint_too_long' };
    delayMs = input.hintMs;
  } else {
    const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (input.attemptsMade - 1));
    delayMs = Math.floor(input.random * ceiling);
  }
  // Waiting must leave the next attempt some time to do anything useful.
  if (delayMs >= input.remainingMs) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}

/**
 * The upstream's wait hint in ms: `retry-after-ms`, `x-ms-retry-after-ms`, then `retry-after`
 * (seconds or an HTTP date). Undefined when absent or unreadable.
 */
export function parseRetryHint(headers: Record<string, string | string[] | undefined>, nowMs: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = firstValue(headers[name]);
    if (value !== undefined) {
      const ms = Number(value);
      if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
    }
  }
  const retryAfter = firstValue(headers['retry-after']);
  if (retryAfter === undefined) return undefined;
  const trimmed = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // Every RFC 9110 HTTP-date starts with a day name; V8's Date.parse accepts far more (even "-1").
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
