import type { Operation, TokenUsage } from '../usage/types.js';

/**
 * Bytes of request body per reserved input token. JSON framing and base64 images make this an
 * over-estimate, which is the safe side for a reservation: settling gives the difference back.
 * The exact tokenizer (usage/estimate.ts) costs ~8 ms per 100 KB of prompt on the event loop,
 * too much to pay before every limited request when the real count arrives anyway.
 */
export const BYTES_PER_TOKEN = 4;

export interface ReservationInput {
  readonly operation: Operation;
  readonly bodyBytes: number;
  readonly maxTokens: number | undefined;
  /** Completions asked for (`n`, `best_of`): each may produce `maxTokens`. */
  readonly choices: number;
  readonly defaultMaxTokens: number;
}

/** The prompt's token estimate: body bytes / 4, rounded up. */
export function promptTokens(bodyBytes: number): number {
  return Math.ceil(bodyBytes / BYTES_PER_TOKEN);
}

/**
 * Tokens reserved against tpm before the call: the prompt estimate plus the most output the request
 * may produce, times the completions it asks for. Never capped: a reservation larger than the key's
 * whole tpm is refused up front, or a huge `max_tokens` or `n` would walk around the limit.
 */
export function reservedTokens(input: ReservationInput): number {
  const perChoice = input.operation === 'embeddings' ? 0 : Math.max(0, Math.floor(input.maxTokens ?? input.defaultMaxTokens));
  return Math.max(1, promptTokens(input.bodyBytes) + perChoice * Math.max(1, input.choices));
}

/** Tokens a finished request really used (every bucket; no usage, e.g. a failed call: nothing). */
export function usedTokens(usage: TokenUsage | undefined): number {
  if (usage === undefined) return 0;
  return usage.input + usage.cachedInput + usage.cacheWrite + usage.output + usage.reasoning;
}
