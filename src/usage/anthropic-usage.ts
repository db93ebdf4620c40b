import type { TokenUsage } from './types.js';

/**
 * Anthropic's usage counters, as the reports of one answer arrive: `message_start.message.usage`,
 * then each `message_delta.usage`, or the whole `usage` of a non-stream answer.
 *
 * Every report is cumulative: a field a report carries is the total so far and replaces what an
 * earlier report said; a field it leaves out (or sends as null) keeps its earlier value. Never
 * added up: summing the deltas is the bug LiteLLM, Envoy AI Gateway, agentgateway and TensorZero
 * each shipped. This is the rule of the SDK's own MessageStream ("overwrite when present and never
 * add"). So a translating proxy's `message_start` with zeros and a last delta with the real numbers
 * gives the real numbers, and today's API (everything on both) gives them once.
 *
 * Anthropic's `input_tokens` excludes cache reads and writes, so the buckets map one to one:
 * `input` = input_tokens, `cachedInput` = cache_read_input_tokens, `cacheWrite` =
 * cache_creation_input_tokens (its 1-hour share from `cache_creation.ephemeral_1h_input_tokens`),
 * `output` = output_tokens less `output_tokens_details.thinking_tokens`, which are `reasoning`
 * (billed as output: the sum stays output_tokens).
 */
export class AnthropicUsage {
  #input: number | undefined;
  #cacheRead: number | undefined;
  #cacheWrite: number | undefined;
  #cacheWrite1h: number | undefined;
  #output: number | undefined;
  #thinking: number | undefined;

  /** Takes one report's fields over the earlier ones. */
  see(usage: unknown): void {
    if (!isObject(usage)) return;
    this.#input = count(usage['input_tokens']) ?? this.#input;
    this.#cacheRead = count(usage['cache_read_input_tokens']) ?? this.#cacheRead;
    const creation = usage['cache_creation'];
    const byTtl = isObject(creation) ? creation : undefined;
    const written = count(usage['cache_creation_input_tokens']) ?? sumOf(byTtl);
    this.#cacheWrite = written ?? this.#cacheWrite;
    this.#cacheWrite1h = (byTtl === undefined ? undefined : count(byTtl['ephemeral_1h_input_tokens'])) ?? this.#cacheWrite1h;
    this.#output = count(usage['output_tokens']) ?? this.#output;
    const details = usage['output_tokens_details'];
    if (isObject(details)) this.#thinking = count(details['thinking_tokens']) ?? this.#thinking;
  }

  /** Something reported a token count. */
  get seen(): boolean {
    return this.#input !== undefined || this.#output !== undefined;
  }

  /** The prompt side was reported with real numbers (a translating proxy's zeros are no report). */
  get promptKnown(): boolean {
    return (this.#input ?? 0) + (this.#cacheRead ?? 0) + (this.#cacheWrite ?? 0) > 0;
  }

  /** The counters in disjoint buckets. */
  toTokenUsage(): TokenUsage {
    const output = this.#output ?? 0;
    const reasoning = Math.min(this.#thinking ?? 0, output);
    const cacheWrite = this.#cacheWrite ?? 0;
    const usage: TokenUsage = {
      input: this.#input ?? 0,
      cachedInput: this.#cacheRead ?? 0,
      cacheWrite,
      output: output - reasoning,
      reasoning,
      source: 'provider',
    };
    const writes1h = Math.min(this.#cacheWrite1h ?? 0, cacheWrite);
    if (writes1h > 0) usage.cacheWrite1h = writes1h;
    return usage;
  }
}

/** The usage of a whole Messages answer (`usage` of a non-stream body); undefined when it reports no token count. */
export function anthropicUsageFromJson(usage: unknown): TokenUsage | undefined {
  const counters = new AnthropicUsage();
  counters.see(usage);
  return counters.seen ? counters.toTokenUsage() : undefined;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A token count: a finite number, floored, never negative; anything else (null, absent) is no report. */
function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.floor(v)) : undefined;
}

/** `cache_creation` split by TTL, summed, for a report that gives only the split. */
function sumOf(byTtl: Obj | undefined): number | undefined {
  if (byTtl === undefined) return undefined;
  const short = count(byTtl['ephemeral_5m_input_tokens']);
  const long = count(byTtl['ephemeral_1h_input_tokens']);
  return short === undefined && long === undefined ? undefined : (short ?? 0) + (long ?? 0);
}
