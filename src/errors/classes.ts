/**
 * THE error table. Every failure, the gateway's own or an upstream's, gets exactly one class.
 * The class drives the status and OpenAI-shaped body of our own errors, the `x-breakwater-error`
 * header, the retry decision, the breaker and the `error_type` label. docs/errors.md mirrors this
 * table; test/resilience/errors-doc.test.ts keeps the two in step.
 */
export interface ErrorClassSpec {
  /** Status of a gateway-made error of this class (upstream errors keep the upstream's status). */
  status: number;
  /** OpenAI `error.type` for gateway-made errors. */
  type: string;
  /** Worth another attempt on the same upstream, before the commit point. */
  retryable: boolean;
  /** Counts as a failure for the upstream's circuit breaker. */
  tripsBreaker: boolean;
  /** Worth trying the route's next target when retries on this one are over. */
  fallback: boolean;
  /** One line for docs/errors.md. */
  meaning: string;
}

export const ERROR_CLASSES = {
  rate_limited: { status: 429, type: 'rate_limit_error', retryable: true, tripsBreaker: false, fallback: true, meaning: 'The upstream answered 429.' },
  gateway_rate_limited: { status: 429, type: 'rate_limit_error', retryable: false, tripsBreaker: false, fallback: false, meaning: "The gateway's own per-key limit (requests, tokens, concurrency, queue) refused the request." },
  budget_exceeded: { status: 429, type: 'insufficient_quota', retryable: false, tripsBreaker: false, fallback: false, meaning: "The key's daily spend budget, or an agent run's budget or call limit, is used up." },
  timeout: { status: 504, type: 'timeout_error', retryable: true, tripsBreaker: true, fallback: true, meaning: 'Connect, first-byte, idle or total deadline passed.' },
  circuit_open: { status: 503, type: 'service_unavailable_error', retryable: false, tripsBreaker: false, fallback: true, meaning: "The upstream's circuit breaker is open; no traffic was sent." },
  upstream_5xx: { status: 502, type: 'upstream_error', retryable: true, tripsBreaker: true, fallback: true, meaning: 'The upstream answered 5xx.' },
  network: { status: 502, type: 'upstream_error', retryable: true, tripsBreaker: true, fallback: true, meaning: 'Connection reset, refused, DNS failure or socket closed before an answer.' },
  auth: { status: 401, type: 'invalid_request_error', retryable: false, tripsBreaker: false, fallback: false, meaning: 'Unknown gateway key, a gateway key where the admin key is needed (the console), or the upstream answered 401/403.' },
  invalid_request: { status: 400, type: 'invalid_request_error', retryable: false, tripsBreaker: false, fallback: false, meaning: 'Bad JSON or schema, unknown model, body too large, or upstream 400/404/413/422.' },
  context_length: { status: 400, type: 'invalid_request_error', retryable: false, tripsBreaker: false, fallback: true, meaning: "The prompt exceeds the model's context window (upstream code context_length_exceeded, or Anthropic's \"prompt is too long\")." },
  content_filter: { status: 400, type: 'invalid_request_error', retryable: false, tripsBreaker: false, fallback: false, meaning: "The upstream's content filter refused the request." },
  client_closed: { status: 499, type: 'client_closed_request', retryable: false, tripsBreaker: false, fallback: false, meaning: 'The client went away before the answer was complete.' },
  unavailable: { status: 503, type: 'service_unavailable_error', retryable: false, tripsBreaker: false, fallback: false, meaning: 'The gateway itself cannot take the request now: at its connection limit, shutting down, or its shared state is down under failClosed; or the replica running a detached call died.' },
  policy: { status: 403, type: 'invalid_request_error', retryable: false, tripsBreaker: false, fallback: false, meaning: 'A configured policy refused the request (passthrough path, model, max tokens, agent loop, unpriced model).' },
  internal: { status: 500, type: 'server_error', retryable: false, tripsBreaker: false, fallback: false, meaning: 'A bug in the gateway. Alerted on; never expected.' },
} as const satisfies Record<string, ErrorClassSpec>;

export type ErrorClass = keyof typeof ERROR_CLASSES;

export const ERROR_CLASS_NAMES = Object.keys(ERROR_CLASSES) as ErrorClass[];

/**
 * Codes of gateway-made errors. Each names its class and, where it differs from the class
 * default, its status: call sites pick a code, never a status.
 */
export const GATEWAY_ERROR_CODES = {
  invalid_json: { errorClass: 'invalid_request', status: 400 },
  invalid_body: { errorClass: 'invalid_request', status: 400 },
  unsupported_media_type: { errorClass: 'invalid_request', status: 415 },
  model_not_found: { errorClass: 'invalid_request', status: 404 },
  not_found: { errorClass: 'invalid_request', status: 404 },
  api_mismatch: { errorClass: 'invalid_request', status: 400 },
  request_too_large: { errorClass: 'invalid_request', status: 413 },
  key_in_query: { errorClass: 'invalid_request', status: 400 },
  invalid_run_id: { errorClass: 'invalid_request', status: 400 },
  bad_request: { errorClass: 'invalid_request', status: 400 },
  request_timeout: { errorClass: 'invalid_request', status: 408 },
  headers_too_large: { errorClass: 'invalid_request', status: 431 },
  invalid_idempotency_key: { errorClass: 'invalid_request', status: 400 },
  idempotency_key_reused: { errorClass: 'invalid_request', status: 422 },
  detached_stream_unsupported: { errorClass: 'invalid_request', status: 400 },
  invalid_api_key: { errorClass: 'auth', status: 401 },
  admin_key_required: { errorClass: 'auth', status: 403 },
  gateway_rate_limited: { errorClass: 'gateway_rate_limited', status: 429 },
  queue_full: { errorClass: 'gateway_rate_limited', status: 429 },
  queue_timeout: { errorClass: 'gateway_rate_limited', status: 429 },
  budget_exceeded: { errorClass: 'budget_exceeded', status: 429 },
  run_budget_exceeded: { errorClass: 'budget_exceeded', status: 429 },
  run_call_limit_exceeded: { errorClass: 'budget_exceeded', status: 429 },
  timeout: { errorClass: 'timeout', status: 504 },
  idle_timeout: { errorClass: 'timeout', status: 504 },
  upstream_truncated: { errorClass: 'network', status: 502 },
  circuit_open: { errorClass: 'circuit_open', status: 503 },
  upstream_unreachable: { errorClass: 'network', status: 502 },
  upstream_error: { errorClass: 'upstream_5xx', status: 502 },
  state_unavailable: { errorClass: 'unavailable', status: 503 },
  shutting_down: { errorClass: 'unavailable', status: 503 },
  too_many_connections: { errorClass: 'unavailable', status: 503 },
  call_lost: { errorClass: 'unavailable', status: 503 },
  passthrough_denied: { errorClass: 'policy', status: 403 },
  model_not_priced: { errorClass: 'policy', status: 403 },
  agent_loop_detected: { errorClass: 'policy', status: 400 },
  model_not_allowed: { errorClass: 'policy', status: 403 },
  max_tokens_over_limit: { errorClass: 'policy', status: 400 },
  console_not_public: { errorClass: 'policy', status: 403 },
  console_busy: { errorClass: 'unavailable', status: 503 },
  client_closed: { errorClass: 'client_closed', status: 499 },
  internal_error: { errorClass: 'internal', status: 500 },
} as const satisfies Record<string, { errorClass: ErrorClass; status: number }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;

/** The gateway's own code for a failure with no upstream answer to pass through. */
const CODE_FOR_CLASS: Partial<Record<ErrorClass, GatewayErrorCode>> = {
  timeout: 'timeout',
  circuit_open: 'circuit_open',
  network: 'upstream_unreachable',
  upstream_5xx: 'upstream_error',
  client_closed: 'client_closed',
};

export function codeForClass(errorClass: ErrorClass): GatewayErrorCode {
  return CODE_FOR_CLASS[errorClass] ?? 'internal_error';
}
