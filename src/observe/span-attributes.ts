import type { RequestContext } from '../pipeline/context.js';
import { ATTR, GEN_AI_OPERATION } from './semconv.js';

/** Attribute values as OpenTelemetry takes them (only request-trace.ts imports the API itself). */
export type SpanAttributes = Record<string, string | number | boolean>;

/** Prompt and completion text on spans (opt-in) is cut to this many characters. */
export const MAX_PROMPT_CHARS = 4096;

/** `{operation} {model}` for model calls (GenAI semconv), `{method} {route}` otherwise. */
export function spanName(ctx: RequestContext): string {
  if (ctx.operation === undefined) return ctx.routeLabel === 'models' ? 'GET /v1/models' : (ctx.req.method ?? 'GET');
  const operation = GEN_AI_OPERATION[ctx.operation];
  return ctx.request === undefined ? operation : `${operation} ${ctx.request.model}`;
}

/**
 * What the server span learns by the end of the request. gen_ai.usage.* follow the semconv totals
 * (input includes cached and cache-write tokens, output includes reasoning); our disjoint buckets
 * are there too as breakwater.tokens.*.
 */
export function requestSpanAttributes(ctx: RequestContext): SpanAttributes {
  const { reply, request, usage, stream, upstream } = ctx;
  const out: SpanAttributes = { [ATTR.key]: ctx.principal.name, [ATTR.attempts]: upstream.attempts };
  if (reply.status !== 0) out[ATTR.httpStatus] = reply.status;
  if (reply.errorClass !== undefined) out[ATTR.errorType] = reply.errorClass;
  if (upstream.name !== undefined) out[ATTR.upstream] = upstream.name;
  if (ctx.answer.model !== undefined) out[ATTR.genAiResponseModel] = ctx.answer.model;
  if (stream.outcome !== undefined) out[ATTR.streamOutcome] = stream.outcome;
  if (ctx.run !== undefined) {
    out[ATTR.genAiConversationId] = ctx.run.id;
    out[ATTR.runSource] = ctx.run.source;
  }
  if (request !== undefined) {
    out[ATTR.genAiRequestModel] = request.model;
    out[ATTR.genAiStream] = request.stream;
    if (request.maxTokens !== undefined) out[ATTR.genAiMaxTokens] = request.maxTokens;
    if (request.temperature !== undefined) out[ATTR.genAiTemperature] = request.temperature;
    if (request.stream && stream.firstByteMs !== undefined) out[ATTR.genAiTimeToFirstChunk] = stream.firstByteMs / 1000;
  }
  if (usage !== undefined) {
    out[ATTR.genAiInputTokens] = usage.input + usage.cachedInput + usage.cacheWrite;
    out[ATTR.genAiOutputTokens] = usage.output + usage.reasoning;
    out[ATTR.genAiCacheReadTokens] = usage.cachedInput;
    out[ATTR.genAiCacheWriteTokens] = usage.cacheWrite;
    out[ATTR.genAiReasoningTokens] = usage.reasoning;
    out[ATTR.tokensInput] = usage.input;
    out[ATTR.tokensCachedInput] = usage.cachedInput;
    out[ATTR.tokensCacheWrite] = usage.cacheWrite;
    out[ATTR.tokensOutput] = usage.output;
    out[ATTR.tokensReasoning] = usage.reasoning;
    out[ATTR.usageSource] = usage.source;
  }
  if (ctx.costUsd !== undefined) out[ATTR.costUsd] = ctx.costUsd;
  return out;
}

/** Server errors and broken streams mark the span failed; a client's own 4xx does not (HTTP semconv). */
export function serverSpanFailed(ctx: RequestContext): boolean {
  const { status } = ctx.reply;
  const outcome = ctx.stream.outcome;
  if (status === 0 || status >= 500) return true;
  return outcome !== undefined && outcome !== 'completed' && outcome !== 'client_cancelled';
}

/** The request's prompt as JSON (messages, input or prompt), truncated; undefined when there is none. */
export function promptText(ctx: RequestContext): string | undefined {
  const json = ctx.request?.json;
  if (json === undefined) return undefined;
  const prompt = json['messages'] ?? json['input'] ?? json['prompt'];
  if (prompt === undefined) return undefined;
  return truncate(typeof prompt === 'string' ? prompt : JSON.stringify(prompt));
}

export function truncate(text: string): string {
  return text.length <= MAX_PROMPT_CHARS ? text : `${text.slice(0, MAX_PROMPT_CHARS)}…[truncated ${text.length - MAX_PROMPT_CHARS} chars]`;
}
