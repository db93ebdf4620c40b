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

/**
 * A per-attempt timeout of the gateway's own (first byte, stream idle). undici's headersTimeout and
 * bodyTimeout run on a timer wheel with ~1 s resolution, so a 300 ms setting fired after ~1 s;
 * native timers keep sub-second settings honest, and undici's stay as a backstop.
 */
export class AttemptTimeout extends Error {
  readonly code: 'BW_FIRST_BYTE_TIMEOUT' | 'BW_IDLE_TIMEOUT';
  constructor(kind: 'first_byte' | 'idle', ms: number) {
    super(kind === 'first_byte' ? `no response headers within ${ms} ms` : `no stream data for ${ms} ms`);
    this.name = 'AttemptTimeout';
    this.code = kind === 'first_byte' ? 'BW_FIRST_BYTE_TIMEOUT' : 'BW_IDLE_TIMEOUT';
  }
}

/**
 * Fires once when no data arrived for `ms`. Time spent waiting on the client (backpressure) is not
 * the upstream being idle, so it is paused meanwhile. One timer, re-armed lazily: `touch()` on every
 * chunk only stores a timestamp.
 */
export class IdleTimer {
  private last = performance.now();
  private busy = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number, private readonly onIdle: () => void) {
    this.arm(ms);
  }

  touch(): void {
    this.last = performance.now();
  }

  /** The client is not reading (backpressure): the idle clock stops until `resume()`. */
  pause(): void {
    this.busy = true;
  }

  resume(): void {
    this.busy = false;
    this.touch();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => this.check(), delay);
    this.timer.unref();
  }

  private check(): void {
    const quiet = performance.now() - this.last;
    if (this.busy) this.arm(this.ms);
    else if (quiet >= this.ms) this.onIdle();
    else this.arm(this.ms - quiet);
  }
}
