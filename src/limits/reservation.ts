import type { Operation, TokenUsage } from '../usage/types.js';

/**
 * Bytes of request body per reserved input token. JSON framing and base64 images make this an
 * over-estimate, which is the safe side for a reservation: settling gives the difference back.
 * The exact tokenizer (usage/estimate.ts) costs ~8 ms per 100 KB of prompt on the event loop,
 * too much to pay before every limited request when the real count arrives anyway.
 */
export const BYTES_PER_TOKEN = 4;

export interface ReservationInput {
  readonly operation: Operation | undefined;
  readonly bodyBytes: number;
  readonly maxTokens: number | undefined;
  readonly defaultMaxTokens: number;
  /** The key's tpm: a reservation never exceeds a whole window, or it could never be admitted. */
  readonly tpm: number;
}

/** Tokens reserved against tpm before the call: input estimate + the most output the request may produce. */
export function reservedTokens(input: ReservationInput): number {
  const prompt = Math.ceil(input.bodyBytes / BYTES_PER_TOKEN);
  const output = input.operation === 'embeddings' ? 0 : Math.max(0, Math.floor(input.maxTokens ?? input.defaultMaxTokens));
  return Math.max(1, Math.min(input.tpm, prompt + output));
}

/** Tokens a finished request really used (every bucket; no usage, e.g. a failed call: nothing). */
export function usedTokens(usage: TokenUsage | undefined): number {
  if (usage === undefined) return 0;
  return usage.input + usage.cachedInput + usage.cacheWrite + usage.output + usage.reasoning;
}
