import type { Operation, TokenUsage } from './types.js';

/**
 * Normalises the usage objects OpenAI and OpenAI-compatible providers return
 * into disjoint buckets. Totals as reported (`prompt_tokens`, `input_tokens`,
 * `completion_tokens`, `output_tokens`) include their sub-counts, so cached
 * input and cache writes are subtracted from input, and reasoning from output.
 *
 * Field names accepted, by provider:
 * - OpenAI chat/completions/embeddings: prompt_tokens, completion_tokens,
 *   prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens
 * - OpenAI responses: input_tokens, output_tokens, input_tokens_details.cached_tokens,
 *   output_tokens_details.reasoning_tokens
 * - OpenRouter: prompt_tokens_details.cache_write_tokens
 * - LiteLLM (Anthropic/Bedrock behind it): usage.cache_creation_input_tokens and
 *   usage.cache_read_input_tokens beside prompt_tokens (see the cache-write note below)
 * - responses-style proxies: input_tokens_details.cache_creation_tokens / cache_write_tokens
 * - DeepSeek: prompt_cache_hit_tokens (when no cached_tokens detail is given)
 *
 * Anthropic's native Messages API (where input_tokens EXCLUDES cache reads and
 * writes, and stream usage is cumulative across events) is not an OpenAI shape:
 * usage/anthropic-usage.ts reads it.
 */
export function usageFromJson(op: Operation, body: unknown): TokenUsage | undefined {
  if (!isObject(body)) return undefined;
  let u = body['usage'];
  // a Responses stream's terminal event wraps the response object
  if (!isObject(u) && op === 'responses' && isObject(body['response'])) u = body['response']['usage'];
  if (!isObject(u)) return undefined;

  const promptTotal = num(u['prompt_tokens']) ?? num(u['input_tokens']);
  const outputTotal = num(u['completion_tokens']) ?? num(u['output_tokens']);
  if (promptTotal === undefined && outputTotal === undefined) return undefined;

  const inDetails = obj(u['prompt_tokens_details']) ?? obj(u['input_tokens_details']);
  const outDetails = obj(u['completion_tokens_details']) ?? obj(u['output_tokens_details']);

  const cached = clamp(
    pick(inDetails, 'cached_tokens') ??
      pick(inDetails, 'cache_read_tokens') ??
      num(u['cache_read_input_tokens']) ??
      num(u['prompt_cache_hit_tokens']),
  );
  const cacheWrite = clamp(
    pick(inDetails, 'cache_write_tokens') ??
      pick(inDetails, 'cache_creation_tokens') ??
      pick(inDetails, 'cache_creation_input_tokens') ??
      num(u['cache_creation_input_tokens']),
  );
  const reasoning = op === 'embeddings' ? 0 : clamp(pick(outDetails, 'reasoning_tokens'));

  const prompt = clamp(promptTotal);
  // embeddings produce vectors, not tokens; ignore stray completion counts
  const out = op === 'embeddings' ? 0 : clamp(outputTotal);
  const cachedInput = Math.min(cached, prompt);
  let input = prompt - cachedInput;
  // Providers disagree on whether the prompt total includes cache writes
  // (LiteLLM has shipped both). A write count larger than the uncached rest
  // means this total excludes it: keep both as reported rather than clamp
  // real, billed tokens away.
  if (cacheWrite <= input) input -= cacheWrite;
  return {
    input,
    cachedInput,
    cacheWrite,
    output: out - Math.min(reasoning, out),
    reasoning: Math.min(reasoning, out),
    source: 'provider',
  };
}

/** `model` of a response body (or of a Responses stream event's `response`). */
export function responseModelFromJson(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const m = body['model'];
  if (typeof m === 'string' && m !== '') return m;
  const r = body['response'];
  if (isObject(r) && typeof r['model'] === 'string' && r['model'] !== '') return r['model'];
  return undefined;
}

/** `id` of a response body (or of a Responses stream event's `response`). */
export function responseIdFromJson(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const id = body['id'];
  if (typeof id === 'string' && id !== '') return id;
  const r = body['response'];
  if (isObject(r) && typeof r['id'] === 'string' && r['id'] !== '') return r['id'];
  return undefined;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown): Obj | undefined {
  return isObject(v) ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function pick(o: Obj | undefined, key: string): number | undefined {
  return o === undefined ? undefined : num(o[key]);
}

/** Token counts are non-negative integers; anything else a provider sends is coerced. */
function clamp(v: number | undefined): number {
  if (v === undefined || !(v > 0)) return 0;
  return Math.floor(v);
}
