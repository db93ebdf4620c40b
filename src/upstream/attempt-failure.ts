import type { IncomingHttpHeaders } from 'node:http';
import { ERROR_CLASSES, type ErrorClass } from '../errors/classes.js';
import { parseRetryHint } from '../resilience/retry-policy.js';

/** One failed attempt, with its class and, when the upstream answered, what it answered. */
export class AttemptFailure extends Error {
  readonly errorClass: ErrorClass;
  readonly status: number | undefined;
  readonly headers: IncomingHttpHeaders | undefined;
  readonly body: Buffer | undefined;
  readonly hintMs: number | undefined;
  /** Counts against the upstream's circuit breaker: the class decides, except for timeouts that say nothing about the upstream. */
  readonly countsForBreaker: boolean;

  constructor(errorClass: ErrorClass, answer: { status?: number; headers?: IncomingHttpHeaders; body?: Buffer; cause?: unknown; countsForBreaker?: boolean | undefined } = {}) {
    super(answer.status === undefined ? `upstream attempt failed: ${errorClass}` : `upstream answered ${answer.status}`, { cause: answer.cause });
    this.name = 'AttemptFailure';
    this.errorClass = errorClass;
    this.status = answer.status;
    this.headers = answer.headers;
    this.body = answer.body;
    this.hintMs = answer.headers === undefined ? undefined : parseRetryHint(answer.headers, Date.now());
    this.countsForBreaker = answer.countsForBreaker ?? ERROR_CLASSES[errorClass].tripsBreaker;
  }
}
