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
  source: UsageSource;
}

/** The understood operations; `other` is opaque passthrough. */
export type Operation = 'chat' | 'text_completion' | 'embeddings' | 'responses';

/** USD per million tokens, per bucket. Missing cached/cacheWrite/reasoning prices fall back as documented in pricing.ts. */
export interface ModelPrice {
  input: number;
  cachedInput?: number;
  cacheWrite?: number;
  output: number;
  reasoning?: number;
}
