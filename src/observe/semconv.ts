import type { Operation } from '../usage/types.js';

/**
 * Span attribute and event names we emit. Our own `as const` table: the incubating gen_ai.* constants
 * of @opentelemetry/semantic-conventions are all marked deprecated (they moved to the GenAI semconv
 * repository), and importing that package on the hot path would buy nothing.
 */
export const ATTR = {
  genAiOperation: 'gen_ai.operation.name',
  genAiProvider: 'gen_ai.provider.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  genAiCacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  genAiCacheWriteTokens: 'gen_ai.usage.cache_creation.input_tokens',
  genAiReasoningTokens: 'gen_ai.usage.reasoning.output_tokens',
  genAiMaxTokens: 'gen_ai.request.max_tokens',
  genAiTemperature: 'gen_ai.request.temperature',
  genAiStream: 'gen_ai.request.stream',
  genAiTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  genAiInputMessages: 'gen_ai.input.messages',
  genAiOutputMessages: 'gen_ai.output.messages',
  openAiApiType: 'openai.api.type',
  errorType: 'error.type',
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  requestId: 'breakwater.request_id',
  genAiConversationId: 'gen_ai.conversation.id',
  runSource: 'breakwater.run.source',
  key: 'breakwater.key',
  upstream: 'breakwater.upstream',
  attempts: 'breakwater.attempts',
  attempt: 'breakwater.attempt',
  costUsd: 'breakwater.cost_usd',
  usageSource: 'breakwater.usage_source',
  streamOutcome: 'breakwater.stream_outcome',
  tokensInput: 'breakwater.tokens.input',
  tokensCachedInput: 'breakwater.tokens.cached_input',
  tokensCacheWrite: 'breakwater.tokens.cache_write',
  tokensOutput: 'breakwater.tokens.output',
  tokensReasoning: 'breakwater.tokens.reasoning',
  connectMs: 'breakwater.upstream.connect_ms',
  connectionReused: 'breakwater.upstream.connection_reused',
  firstByteMs: 'breakwater.upstream.first_byte_ms',
} as const;

export const EVENT = {
  retry: 'breakwater.retry',
  fallback: 'breakwater.fallback',
  circuit: 'breakwater.circuit_state_change',
  streamEnd: 'breakwater.stream.end',
  firstToken: 'breakwater.first_token',
  connected: 'breakwater.upstream.connected',
  requestSent: 'breakwater.upstream.request_sent',
  firstByte: 'breakwater.upstream.first_byte',
  agentLoop: 'breakwater.agent_loop',
} as const;

/**
 * gen_ai.operation.name per operation. The Responses API and Anthropic's Messages are chat
 * inferences (semconv: `chat`, plus `openai.api.type=responses` for the former). Token counting is
 * no inference: it gets its own name, as semconv asks of a system-specific operation.
 */
export const GEN_AI_OPERATION = {
  chat: 'chat',
  text_completion: 'text_completion',
  embeddings: 'embeddings',
  responses: 'chat',
  messages: 'chat',
  count_tokens: 'count_tokens',
} as const satisfies Record<Operation, string>;

/** openai.api.type of the OpenAI API's operations. */
export const OPENAI_API_TYPE: Partial<Record<Operation, string>> = {
  chat: 'chat_completions',
  text_completion: 'completions',
  embeddings: 'embeddings',
  responses: 'responses',
};
