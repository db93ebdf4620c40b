import CircuitBreaker from 'opossum';
import { ERROR_CLASSES } from '../errors/classes.js';
import { classifyThrown } from '../errors/classify.js';
import type { ErrorClass } from '../errors/classes.js';
import type { UpstreamConfig } from '../config/schema.js';

export type CircuitState = 'closed' | 'half_open' | 'open';

export type CircuitListener = (upstream: string, state: CircuitState) => void;

type Attempt = () => Promise<unknown>;

/** Attempt failures say whether they count; others are judged by their class, carried or classified by code. */
function tripsBreaker(error: unknown): boolean {
  const counts = (error as { countsForBreaker?: unknown } | null)?.countsForBreaker;
  if (typeof counts === 'boolean') return counts;
  const carried = (error as { errorClass?: ErrorClass } | null)?.errorClass;
  const errorClass = carried ?? classifyThrown(error);
  return ERROR_CLASSES[errorClass].tripsBreaker;
}

/**
 * One opossum breaker per upstream, wrapping an attempt up to its response headers.
 * `timeout: false`: our own deadlines own time (a stream runs for minutes, and opossum's
 * timeout aborts a breaker-wide controller). `errorFilter` keeps client aborts and 4xx from
 * counting: filtered errors count as successes.
 */
export class Breakers {
  private readonly breakers = new Map<string, CircuitBreaker<[Attempt], unknown>>();

  constructor(upstreams: readonly UpstreamConfig[], listener: CircuitListener) {
    for (const upstream of upstreams) {
      const breaker = new CircuitBreaker<[Attempt], unknown>((attempt: Attempt) => attempt(), {
        timeout: false,
        errorThresholdPercentage: upstream.breaker.errorThresholdPercentage,
        volumeThreshold: upstream.breaker.volumeThreshold,
        resetTimeout: upstream.breaker.resetTimeoutMs,
        rollingCountTimeout: upstream.breaker.rollingCountTimeoutMs,
        errorFilter: (error: unknown) => !tripsBreaker(error),
        name: upstream.name,
      });
      breaker.on('open', () => listener(upstream.name, 'open'));
      breaker.on('halfOpen', () => listener(upstream.name, 'half_open'));
      breaker.on('close', () => listener(upstream.name, 'closed'));
      this.breakers.set(upstream.name, breaker);
    }
  }

  /** Runs the attempt through the upstream's breaker; rejects with code EOPENBREAKER when open. */
  fire<T>(upstream: string, attempt: () => Promise<T>): Promise<T> {
    const breaker = this.breakers.get(upstream);
    if (breaker === undefined) return attempt();
    return breaker.fire(attempt) as Promise<T>;
  }

  state(upstream: string): CircuitState {
    const breaker = this.breakers.get(upstream);
    if (breaker === undefined || breaker.closed) return 'closed';
    return breaker.halfOpen ? 'half_open' : 'open';
  }

  states(): Record<string, CircuitState> {
    const out: Record<string, CircuitState> = {};
    for (const name of this.breakers.keys()) out[name] = this.state(name);
    return out;
  }

  /** Stops the breakers' statistics timers. */
  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }
}
