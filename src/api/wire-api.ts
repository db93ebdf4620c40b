import type { ErrorClass } from '../errors/classes.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { AnswerFacts, ParsedRequest } from '../pipeline/context.js';
import type { SseEvent } from '../upstream/sse.js';
import type { Operation } from '../usage/types.js';
import type { ToolHistory } from './tool-history.js';

/** How far a stream got, read from its events: its terminal event, or an error event. */
export interface StreamEndWatcher {
  see(event: SseEvent): void;
  readonly state: 'open' | 'completed' | 'failed';
}

/** Reads what an answer says about itself (usage, model, id, text) as it passes; the usage tap runs one. */
export interface AnswerReader {
  /** False drops the event: the usage chunk the gateway asked for and the client did not. */
  onEvent(event: SseEvent): boolean;
  onChunk(chunk: Buffer): void;
  facts(): AnswerFacts;
}

/**
 * One wire API (OpenAI's, Anthropic's): what the gateway reads from its requests and answers, and
 * how it speaks its errors. Stages ask the request's API instead of branching on it.
 */
export interface WireApi {
  readonly name: 'openai' | 'anthropic';
  /** The fields the gateway uses, validated; throws a GatewayError (400) for a body it cannot use. */
  parseRequest(operation: Operation, json: Record<string, unknown>): ParsedRequest;
  /** The body fields that cap an answer's output tokens (what a route policy's `maxTokens` caps). */
  maxTokensFields(operation: Operation): readonly string[];
  /** The gateway can ask this operation's stream for a usage report the client did not ask for. */
  canAskUsage(operation: Operation): boolean;
  answerReader(operation: Operation, options: { readonly hideAskedUsage: boolean }): AnswerReader;
  streamEnd(operation: Operation): StreamEndWatcher;
  /** The body of a gateway-made error, in this API's envelope. */
  errorBody(error: GatewayError): unknown;
  /** The SSE bytes that end a cut stream, so no client takes it for a clean end. */
  streamError(errorClass: ErrorClass, code: string, message: string): string;
  /** The error code an upstream error body names, for its class. */
  upstreamErrorCode(body: Buffer): string | undefined;
  /** Tool calls in the request's history: the ids it answers, and the assistant turns since the last user message. */
  toolHistory(operation: Operation, json: Record<string, unknown>): ToolHistory;
}
