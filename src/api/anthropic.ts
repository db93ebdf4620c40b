import { ERROR_CLASSES, type ErrorClass } from '../errors/classes.js';
import { upstreamErrorCode } from '../errors/classify.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { ParsedRequest } from '../pipeline/context.js';
import type { SseEvent } from '../upstream/sse.js';
import type { Operation } from '../usage/types.js';
import { anthropicAnswerReader } from './anthropic-answer.js';
import { anthropicToolHistory } from './anthropic-history.js';
import { modelOf, numberOf, streamOf } from './request-fields.js';
import type { StreamEndWatcher, WireApi } from './wire-api.js';

const ANTHROPIC_MAX_TOKENS_FIELDS: readonly string[] = Object.freeze(['max_tokens']);
const LEADING_TYPE_RE = /^\s*\{\s*"type"\s*:\s*"([^"\\]+)"/;

/**
 * Anthropic's `error.type` for a status (https://docs.anthropic.com/en/api/errors), so the Anthropic
 * SDKs raise their usual typed errors and clients that switch on the type find the one they know.
 */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 401: return 'authentication_error';
    case 402: return 'billing_error';
    case 403: return 'permission_error';
    case 404: return 'not_found_error';
    case 413: return 'request_too_large';
    case 429: return 'rate_limit_error';
    case 503: return 'overloaded_error';
    case 504: return 'timeout_error';
    default: return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function errorObject(status: number, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: anthropicErrorType(status), message } };
}

// Anthropic names a context overflow only in words: a 400 `invalid_request_error` whose message
// starts "prompt is too long: 215000 tokens > 200000 maximum". Taking it as OpenAI's
// `context_length_exceeded` lets a route fall back to a larger-context model, as it does for OpenAI.
const PROMPT_TOO_LONG_RE = /"message"\s*:\s*"prompt is too long\b/;

/** `error.type` of `{"type":"error","error":{"type":"overloaded_error",...}}`, or the overflow's OpenAI code. */
function anthropicErrorCode(body: Buffer): string | undefined {
  const code = upstreamErrorCode(body);
  // upstreamErrorCode reads only bodies of up to 64 KiB, so this test is bounded too.
  if (code === 'invalid_request_error' && PROMPT_TOO_LONG_RE.test(body.toString('utf8'))) return 'context_length_exceeded';
  return code;
}

/** Anthropic's Messages API (`/v1/messages`, `/v1/messages/count_tokens`), and every provider that speaks it. */
export const ANTHROPIC: WireApi = {
  name: 'anthropic',

  parseRequest(_operation: Operation, json: Record<string, unknown>): ParsedRequest {
    return {
      json,
      model: modelOf(json),
      stream: streamOf(json),
      // Anthropic reports usage on every answer, stream or not: nothing to ask for.
      clientAskedUsage: false,
      // Required by Anthropic; a request without it is the upstream's to refuse, in its own words.
      maxTokens: numberOf(json['max_tokens']),
      choices: 1,
      temperature: numberOf(json['temperature']),
    };
  },

  maxTokensFields: () => ANTHROPIC_MAX_TOKENS_FIELDS,

  canAskUsage: () => false,

  answerReader: () => anthropicAnswerReader(),

  streamEnd(): StreamEndWatcher {
    let state: StreamEndWatcher['state'] = 'open';
    return {
      get state() {
        return state;
      },
      see(event: SseEvent): void {
        // An event cut off before its blank line is not dispatched by SSE clients either.
        if (state !== 'open' || event.incomplete === true || event.data === '') return;
        const type = event.event ?? LEADING_TYPE_RE.exec(event.data)?.[1];
        if (type === 'message_stop') state = 'completed';
        else if (type === 'error') state = 'failed';
      },
    };
  },

  errorBody: (error: GatewayError) => errorObject(error.status, error.message),

  streamError(errorClass: ErrorClass, _code: string, message: string): string {
    return `\n\nevent: error\ndata: ${JSON.stringify(errorObject(ERROR_CLASSES[errorClass].status, message))}\n\n`;
  },

  upstreamErrorCode: anthropicErrorCode,

  toolHistory: anthropicToolHistory,
};
