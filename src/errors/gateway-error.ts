import { ERROR_CLASSES, GATEWAY_ERROR_CODES, type ErrorClass, type GatewayErrorCode } from './classes.js';

/** An error the gateway itself answers with; status and OpenAI type come from the table. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly errorClass: ErrorClass;
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  /** Seconds, for 429s and 503s the client may retry after. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: GatewayErrorCode, message: string, options: { param?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    const spec = GATEWAY_ERROR_CODES[code];
    this.code = code;
    this.errorClass = spec.errorClass;
    this.status = spec.status;
    this.type = ERROR_CLASSES[spec.errorClass].type;
    this.param = options.param ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** OpenAI's error envelope. */
  toJSON(): { error: { message: string; type: string; code: string; param: string | null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}
