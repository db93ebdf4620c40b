import { ERROR_CLASSES, type ErrorClass } from '../errors/classes.js';
import { upstreamErrorCode } from '../errors/classify.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { ParsedRequest } from '../pipeline/context.js';
import type { SseEvent } from '../upstream/sse.js';
import type { Operation } from '../usage/types.js';
import { openAiAnswerReader } from './openai-answer.js';
import { openAiToolHistory } from './openai-history.js';
import { countOf, modelOf, numberOf, streamOf } from './request-fields.js';
import type { StreamEndWatcher, WireApi } from './wire-api.js';

const RESPONSES_TERMINAL: ReadonlyMap<string, 'completed' | 'failed'> = new Map([
  ['response.completed', 'completed'],
  ['response.incomplete', 'completed'],
  ['response.failed', 'failed'],
  ['error', 'failed'],
]);
/** Chat's old and new names, and the Responses API's; parseRequest reads the same three. */
const MAX_TOKENS_FIELDS: readonly string[] = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'];
const LEADING_TYPE_RE = /^\s*\{\s*"type"\s*:\s*"([^"\\]+)"/;
const ERROR_PAYLOAD_RE = /^\s*\{\s*"error"\s*:/;

/** OpenAI's API (chat completions, completions, embeddings, responses), and every provider that speaks it. */
export const OPENAI: WireApi = {
  name: 'openai',

  parseRequest(_operation: Operation, json: Record<string, unknown>): ParsedRequest {
    const streamOptions = json['stream_options'];
    return {
      json,
      model: modelOf(json),
      stream: streamOf(json),
      clientAskedUsage: typeof streamOptions === 'object' && streamOptions !== null && (streamOptions as { include_usage?: unknown }).include_usage === true,
      maxTokens: numberOf(json['max_completion_tokens'] ?? json['max_tokens'] ?? json['max_output_tokens']),
      // Each of n (or best_of) completions may use max_tokens: limits reserve them all.
      choices: Math.max(countOf(json['n']), countOf(json['best_of'])),
      temperature: numberOf(json['temperature']),
    };
  },

  maxTokensFields: () => MAX_TOKENS_FIELDS,

  canAskUsage: (operation) => operation === 'chat' || operation === 'text_completion',

  answerReader: (operation, options) => openAiAnswerReader(operation, options.hideAskedUsage),

  streamEnd(operation: Operation): StreamEndWatcher {
    let state: StreamEndWatcher['state'] = 'open';
    return {
      get state() {
        return state;
      },
      see(event: SseEvent): void {
        // An event cut off before its blank line is not dispatched by SSE clients either: a cut-off "[DONE]" is no end.
        if (state !== 'open' || event.incomplete === true || event.data === '') return;
        if (operation === 'responses') {
          const type = event.event ?? LEADING_TYPE_RE.exec(event.data)?.[1];
          state = (type === undefined ? undefined : RESPONSES_TERMINAL.get(type)) ?? 'open';
        } else if (event.data === '[DONE]') state = 'completed';
        else if (event.event === 'error' || ERROR_PAYLOAD_RE.test(event.data)) state = 'failed';
      },
    };
  },

  errorBody: (error: GatewayError) => ({ error: { message: error.message, type: error.type, code: error.code, param: error.param } }),

  streamError(errorClass: ErrorClass, code: string, message: string): string {
    return `\n\nevent: error\ndata: ${JSON.stringify({ error: { message, type: ERROR_CLASSES[errorClass].type, code, param: null } })}\n\n`;
  },

  upstreamErrorCode,

  toolHistory: openAiToolHistory,
};
