/** One counter as the client sees it. */
export interface WindowState {
  readonly limit: number;
  readonly remaining: number;
  /** ms until the window resets and the counter is back to `limit`. */
  readonly resetMs: number;
}

/**
 * A duration the way OpenAI writes `x-ratelimit-reset-*` (Go's time.Duration format): `20ms`, `1s`,
 * `1.5s`, `6m0s`, `1h2m3s`. Clients that already parse OpenAI's headers back off correctly.
 */
export function formatReset(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1_000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1_000;
  const s = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${minutes}m${s}`;
  return s;
}

/**
 * OpenAI's rate-limit headers for the counters a key has. A resource the key does not limit gets no
 * headers, so the upstream's pass through for it (see docs/limits.md).
 */
export function rateLimitHeaders(requests: WindowState | undefined, tokens: WindowState | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (requests !== undefined) {
    out['x-ratelimit-limit-requests'] = String(requests.limit);
    out['x-ratelimit-remaining-requests'] = String(Math.max(0, requests.remaining));
    out['x-ratelimit-reset-requests'] = formatReset(requests.resetMs);
  }
  if (tokens !== undefined) {
    out['x-ratelimit-limit-tokens'] = String(tokens.limit);
    out['x-ratelimit-remaining-tokens'] = String(Math.max(0, tokens.remaining));
    out['x-ratelimit-reset-tokens'] = formatReset(tokens.resetMs);
  }
  return out;
}
