import type { ErrorClass } from './classes.js';
import { GatewayError } from './gateway-error.js';

/** Upstream error `code` values (from the JSON body) that name a more specific class than the status. */
const CODE_CLASSES: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ['context_length_exceeded', 'context_length'],
  ['string_above_max_length', 'context_length'],
  ['content_filter', 'content_filter'],
  ['content_policy_violation', 'content_filter'],
  ['ResponsibleAIPolicyViolation', 'content_filter'],
  ['rate_limit_exceeded', 'rate_limited'],
]);

/** Node / undici error codes, never message text. */
const ERRNO_CLASSES: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ['UND_ERR_BODY_TIMEOUT', 'timeout'],
  ['ETIMEDOUT', 'timeout'],
  ['BW_FIRST_BYTE_TIMEOUT', 'timeout'],
  ['BW_IDLE_TIMEOUT', 'timeout'],
  ['ECONNRESET', 'network'],
  ['ECONNREFUSED', 'network'],
  ['ECONNABORTED', 'network'],
  ['EHOSTUNREACH', 'network'],
  ['ENETUNREACH', 'network'],
  ['ENOTFOUND', 'network'],
  ['EAI_AGAIN', 'network'],
  ['EPIPE', 'network'],
  ['UND_ERR_SOCKET', 'network'],
  ['UND_ERR_CLOSED', 'network'],
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'network'],
  ['EOPENBREAKER', 'circuit_open'],
  ['BW_SSE_EVENT_TOO_LARGE', 'upstream_5xx'],
  ['UND_ERR_ABORTED', 'client_closed'],
  ['ABORT_ERR', 'client_closed'],
  ['ERR_CLIENT_CLOSED', 'client_closed'],
]);

/** Class of an upstream answer from its status and, for 4xx, the JSON error `code`. */
export function classifyUpstreamStatus(status: number, errorCode: string | undefined): ErrorClass | undefined {
  if (status < 400) return undefined;
  if (errorCode !== undefined) {
    const byCode = CODE_CLASSES.get(errorCode);
    if (byCode !== undefined && (status < 500 || byCode !== 'rate_limited')) return byCode;
  }
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'upstream_5xx';
  return 'invalid_request';
}

/** The `error.code` (or `error.type` as a fallback) of an OpenAI-shaped error body, if it has one. */
export function upstreamErrorCode(body: Buffer): string | undefined {
  if (body.length === 0 || body.length > 65_536) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const error = (parsed as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, type } = error as { code?: unknown; type?: unknown };
  if (typeof code === 'string') return code;
  if (typeof type === 'string') return type;
  return undefined;
}

/** Class of a thrown error: our own GatewayError, or a Node/undici error by its code. */
export function classifyThrown(error: unknown): ErrorClass {
  if (error instanceof GatewayError) return error.errorClass;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const known = ERRNO_CLASSES.get(code);
      if (known !== undefined) return known;
    }
    if ((current as { name?: unknown }).name === 'AbortError') return 'client_closed';
    current = (current as { cause?: unknown }).cause;
  }
  return 'internal';
}
