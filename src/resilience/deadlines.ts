import { performance } from 'node:perf_hooks';

/** One overall deadline per request, shared by all attempts, backoffs and fallbacks. */
export class Deadline {
  private readonly endsAt: number;

  constructor(startedAt: number, totalMs: number) {
    this.endsAt = startedAt + totalMs;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }
}

/** Reason a request's signal was aborted by the gateway, so classification stays by type, not message. */
export class DeadlineExceeded extends Error {
  readonly code = 'ETIMEDOUT';
  constructor() {
    super('request deadline exceeded');
    this.name = 'DeadlineExceeded';
  }
}

/** Aborts with DeadlineExceeded after `ms`; the timer does not hold the process open. */
export function deadlineSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded()), ms);
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
