/** Where token counts came from: the upstream's own usage report, or our tokenizer estimate. */
export type UsageSource = 'provider' | 'estimated';

/**
 * Token usage in disjoint buckets, so that a sum never double-counts:
 * `input` excludes cached input and cache writes, `output` excludes reasoning.
 */
export interface TokenUsage {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  /**
   * Of `cacheWrite`, the tokens written with a 1-hour TTL (Anthropic's
   * `cache_creation.ephemeral_1h_input_tokens`), priced at `cacheWrite1h`. Not a bucket of its own:
   * it is already inside `cacheWrite`. Absent: every write is a 5-minute one.
   */
  cacheWrite1h?: number;
  source: UsageSource;
}

/**
 * The understood operations; `undefined` on a context is opaque passthrough. OpenAI's API: `chat`,
 * `text_completion`, `embeddings`, `responses`. Anthropic's: `messages` (`POST /v1/messages`) and
 * `count_tokens` (`POST /v1/messages/count_tokens`, which generates nothing and costs nothing).
 */
export type Operation = 'chat' | 'text_completion' | 'embeddings' | 'responses' | 'messages' | 'count_tokens';

/** USD per million tokens, per bucket. Missing cached/cacheWrite/reasoning prices fall back as documented in pricing.ts. */
export interface ModelPrice {
  input: number;
  cachedInput?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  output: number;
  reasoning?: number;
}
