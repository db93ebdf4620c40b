import type { ModelPrice, TokenUsage } from './types.js';

/**
 * Model prices in USD per 1M tokens, looked up per request. The price file is read and validated
 * with the config (config/load.ts); this is the table it becomes.
 *
 * Missing bucket prices fall back: cachedInput to input; cacheWrite (a 5-minute cache write) to
 * 1.25 x input and cacheWrite1h (a 1-hour one) to 2 x input, Anthropic's list multipliers and the
 * only provider that bills writes separately; reasoning to output (OpenAI bills reasoning as output).
 */

export class PriceTable {
  readonly #entries: ReadonlyMap<string, ModelPrice>;
  /** Resolved lookups, misses included (as null). Bounded: model names come from a bounded set in practice, but a client can send anything. */
  readonly #cache = new Map<string, ModelPrice | null>();
  static readonly #MAX_CACHED = 10_000;

  constructor(entries: Record<string, ModelPrice>) {
    const m = new Map<string, ModelPrice>();
    for (const [name, p] of Object.entries(entries)) m.set(name, Object.freeze({ ...p }));
    this.#entries = m;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The priced model names (they bound the `model` metric label). */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** Exact name first, then the longest configured name that is a prefix followed by '-' (gpt-4o-2024-08-06 -> gpt-4o). */
  lookup(model: string): ModelPrice | undefined {
    const hit = this.#cache.get(model);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.#resolve(model);
    if (this.#cache.size >= PriceTable.#MAX_CACHED) this.#cache.clear();
    this.#cache.set(model, found ?? null);
    return found;
  }

  #resolve(model: string): ModelPrice | undefined {
    const exact = this.#entries.get(model);
    if (exact !== undefined) return exact;
    // walk back over '-' positions: each candidate is longer than the next
    for (let i = model.lastIndexOf('-'); i > 0; i = model.lastIndexOf('-', i - 1)) {
      const p = this.#entries.get(model.slice(0, i));
      if (p !== undefined) return p;
    }
    return undefined;
  }
}

/**
 * USD cost of `usage` at `price`.
 *
 * Precision: token counts are integers and prices have at most a few decimals,
 * so each product is computed on integers scaled by 1e6 (micro-dollars per 1M
 * tokens), summed exactly while below 2^53, and divided once. The result is the
 * correctly rounded double of the exact cost, e.g. 1,000 tokens at 2.50 gives
 * exactly 0.0025, where summing per-bucket floats can drift in the last digit.
 * Prices with more than 6 decimals lose the excess.
 */
export function costUsd(usage: TokenUsage, price: ModelPrice): number {
  const input = micro(price.input);
  const writes1h = Math.min(usage.cacheWrite1h ?? 0, usage.cacheWrite);
  const scaled =
    usage.input * input +
    usage.cachedInput * (price.cachedInput === undefined ? input : micro(price.cachedInput)) +
    (usage.cacheWrite - writes1h) * (price.cacheWrite === undefined ? Math.round((input * 5) / 4) : micro(price.cacheWrite)) +
    writes1h * (price.cacheWrite1h === undefined ? input * 2 : micro(price.cacheWrite1h)) +
    usage.output * micro(price.output) +
    usage.reasoning * micro(price.reasoning ?? price.output);
  return scaled / 1e12;
}

function micro(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1e6);
}
