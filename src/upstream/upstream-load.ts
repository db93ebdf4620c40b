import type { IncomingHttpHeaders } from 'node:http';

/** Used-up rate limit without a reset header: steer away this long. */
const EXHAUSTED_DEFAULT_MS = 5_000;
/** A reset further out than this is not believed past it: the upstream gets a new chance by then. */
const EXHAUSTED_MAX_MS = 60_000;
/** OpenAI's durations in `x-ratelimit-reset-*`: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. */
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

/**
 * What the attempt unit learns about each upstream's load, kept for routing to read: the calls in
 * flight to it from this replica (streams until their end, like the in-flight gauge), and until when
 * its own rate limit is used up (an answer said `x-ratelimit-remaining-requests: 0` or `-tokens: 0`).
 * In memory, per replica: it steers this replica's next calls, nothing more.
 */
export class UpstreamLoad {
  private readonly inflightCounts = new Map<string, number>();
  private readonly exhaustedUntil = new Map<string, number>();

  attemptStarted(upstream: string): void {
    this.inflightCounts.set(upstream, (this.inflightCounts.get(upstream) ?? 0) + 1);
  }

  attemptFinished(upstream: string): void {
    this.inflightCounts.set(upstream, Math.max(0, (this.inflightCounts.get(upstream) ?? 0) - 1));
  }

  inflight(upstream: string): number {
    return this.inflightCounts.get(upstream) ?? 0;
  }

  /** The upstream's `x-ratelimit-remaining-*` and `x-ratelimit-reset-*` headers on an answer; an answer without them changes nothing. */
  rateLimits(upstream: string, headers: IncomingHttpHeaders, now = Date.now()): void {
    const requests = usedUpForMs(headers, 'requests');
    const tokens = usedUpForMs(headers, 'tokens');
    if (requests === undefined && tokens === undefined) return;
    const waitMs = Math.max(requests ?? 0, tokens ?? 0);
    if (waitMs > 0) this.exhaustedUntil.set(upstream, now + waitMs);
    else this.exhaustedUntil.delete(upstream);
  }

  /** The upstream said its rate limit is used up, and the window it named has not yet reset. */
  exhausted(upstream: string, now = Date.now()): boolean {
    const until = this.exhaustedUntil.get(upstream);
    return until !== undefined && until > now;
  }
}

/** undefined: no header; 0: quota left; otherwise ms until the used-up window resets. */
function usedUpForMs(headers: IncomingHttpHeaders, resource: 'requests' | 'tokens'): number | undefined {
  const remaining = headers[`x-ratelimit-remaining-${resource}`];
  if (typeof remaining !== 'string' || remaining.trim() === '') return undefined;
  const left = Number(remaining);
  if (!Number.isFinite(left)) return undefined;
  if (left > 0) return 0;
  const reset = headers[`x-ratelimit-reset-${resource}`];
  const resetMs = typeof reset === 'string' ? durationMs(reset.trim()) : undefined;
  return Math.min(EXHAUSTED_MAX_MS, Math.max(1, resetMs ?? EXHAUSTED_DEFAULT_MS));
}

/** `6m0s` → 360000; a bare number is seconds; anything else undefined. */
export function durationMs(text: string): number | undefined {
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000;
  const parts = DURATION.exec(text);
  if (parts === null) return undefined;
  const [, h, m, s, ms] = parts;
  return Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1_000 + Number(ms ?? 0);
}
