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

/** A signal that follows its parent and also aborts on its own timer; `clear()` when done. */
export interface TimedSignal {
  readonly signal: AbortSignal;
  /** Stops the timer only; the signal keeps following its parent (e.g. while a body streams). */
  stopTimer(): void;
  /** Stops the timer and unlinks from the parent. */
  clear(): void;
}

/**
 * A child of `parent` that aborts when the parent does (with the parent's reason) or after `ms`
 * (with `onTimeout()`). One controller, one listener and one unref'd timer: AbortSignal.any plus
 * AbortSignal.timeout cost noticeably more per request on the hot path (composite-signal tracking).
 */
export function timedChildSignal(parent: AbortSignal, ms: number, onTimeout: () => Error): TimedSignal {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, stopTimer: () => undefined, clear: () => undefined };
  }
  const followParent = (): void => controller.abort(parent.reason);
  parent.addEventListener('abort', followParent, { once: true });
  const timer = setTimeout(() => controller.abort(onTimeout()), ms);
  timer.unref();
  return {
    signal: controller.signal,
    stopTimer: () => clearTimeout(timer),
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', followParent);
    },
  };
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
