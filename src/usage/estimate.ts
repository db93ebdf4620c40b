// The single-encoding entry loads only the o200k_base ranks, not every model's
// metadata the package root pulls in.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { Operation, TokenUsage } from './types.js';

/**
 * Token estimates for when the provider reports no usage (a cut-off stream, a
 * provider that ignores stream_options). o200k_base is the encoding of every
 * current OpenAI chat model; for other providers (Claude's tokenizer is not
 * public) the count is an approximation.
 */

// User text may contain "<|endoftext|>"; count it as text instead of throwing.
const ENCODE_OPTIONS = { disallowedSpecial: new Set<string>() };

/** OpenAI's documented chat framing: 3 tokens per message, 1 more when a name is given, 3 priming the reply. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;
/** An image's cost depends on its size, which we do not fetch: count the low-detail base cost as a floor. */
const IMAGE_TOKENS = 85;

/**
 * BPE merging is quadratic in the length of one pre-token, and a long run without spaces (base64,
 * "xxxx…", minified data) is one pre-token: 256 Ki characters of it blocked the event loop ~18 s.
 * Counting in 2 Ki-character slices keeps the worst case linear (~18 ms for the same text); a cut
 * can split a token, which over-counts ordinary prose by ~0.2 %, fine for a labelled estimate.
 */
const SLICE_CHARS = 2048;

/**
 * Exact counting per estimate stops after this many characters (~40 ms of BPE); the rest of a huge
 * input (a 9 MB prompt, 2,048 embedding inputs) is extrapolated at the tokens-per-character ratio
 * measured so far, so one estimate never blocks the event loop for long.
 */
export const EXACT_CHARS_PER_ESTIMATE = 512 * 1024;
/** The ratio used when nothing was counted exactly yet: about 4 characters per token. */
const FALLBACK_TOKENS_PER_CHAR = 0.25;

/** Counts text for one estimate: exact while its character budget lasts, extrapolated after. */
class TokenCounter {
  #exactLeft = EXACT_CHARS_PER_ESTIMATE;
  #chars = 0;
  #tokens = 0;

  count(text: string): number {
    if (text === '') return 0;
    const exactChars = Math.min(text.length, this.#exactLeft);
    let tokens = 0;
    if (exactChars > 0) {
      tokens = countSliced(exactChars === text.length ? text : text.slice(0, exactChars));
      this.#exactLeft -= exactChars;
      this.#chars += exactChars;
      this.#tokens += tokens;
    }
    const rest = text.length - exactChars;
    if (rest > 0) tokens += Math.ceil(rest * (this.#chars > 0 ? this.#tokens / this.#chars : FALLBACK_TOKENS_PER_CHAR));
    return tokens;
  }
}

function countSliced(text: string): number {
  if (text.length <= SLICE_CHARS) return countTokens(text, ENCODE_OPTIONS);
  let total = 0;
  for (let start = 0; start < text.length; start += SLICE_CHARS) total += countTokens(text.slice(start, start + SLICE_CHARS), ENCODE_OPTIONS);
  return total;
}

/** Tokens of one text, bounded in time like any estimate. */
export function estimateTextTokens(text: string): number {
  return new TokenCounter().count(text);
}

export function estimateInputTokens(op: Operation, requestBody: unknown): number {
  return new InputEstimate(new TokenCounter()).of(op, requestBody);
}

/**
 * Usage estimated from the request and the text delivered. `prompt`: the prompt side the provider
 * already reported (Anthropic's `message_start` of a stream cut before its end) is taken as is, and
 * only the output is counted.
 */
export function estimateUsage(op: Operation, requestBody: unknown, deliveredText: string, prompt?: TokenUsage): TokenUsage {
  const counter = new TokenCounter();
  const usage: TokenUsage = {
    input: prompt?.input ?? new InputEstimate(counter).of(op, requestBody),
    cachedInput: prompt?.cachedInput ?? 0,
    cacheWrite: prompt?.cacheWrite ?? 0,
    output: op === 'embeddings' || op === 'count_tokens' ? 0 : counter.count(deliveredText),
    reasoning: 0,
    source: 'estimated',
  };
  if (prompt?.cacheWrite1h !== undefined) usage.cacheWrite1h = prompt.cacheWrite1h;
  return usage;
}

/** The prompt's tokens, by operation, all counted against one estimate's budget. */
class InputEstimate {
  constructor(private readonly counter: TokenCounter) {}

  of(op: Operation, body: unknown): number {
    if (!isObject(body)) return 0;
    switch (op) {
      case 'chat':
        return this.chat(body['messages']) + this.tools(body['tools'] ?? body['functions']);
      case 'text_completion':
        return this.prompt(body['prompt']);
      case 'embeddings':
        return this.prompt(body['input']);
      case 'responses':
        return this.responsesInput(body['input']) + this.string(body['instructions']) + this.tools(body['tools']);
      case 'messages':
      case 'count_tokens':
        return this.anthropicMessages(body['messages']) + this.blocks(body['system']) + this.tools(body['tools']);
    }
  }

  /** Anthropic Messages `messages`: each a role and a string or content blocks (a `role: "system"` one too). */
  private anthropicMessages(messages: unknown): number {
    if (!Array.isArray(messages)) return 0;
    let n = REPLY_PRIMING;
    for (const m of messages) {
      if (isObject(m)) n += TOKENS_PER_MESSAGE + this.string(m['role']) + this.blocks(m['content']);
    }
    return n;
  }

  /**
   * Anthropic content: a string, or blocks: text, thinking, a tool call's name and input, a tool
   * result's own content, and images or documents at a flat floor (their size is not fetched).
   */
  private blocks(content: unknown): number {
    if (typeof content === 'string') return this.counter.count(content);
    if (!Array.isArray(content)) return 0;
    let n = 0;
    for (const block of content) {
      if (!isObject(block)) continue;
      const type = block['type'];
      if (typeof block['text'] === 'string') n += this.counter.count(block['text']);
      else if (typeof block['thinking'] === 'string') n += this.counter.count(block['thinking']);
      else if (type === 'tool_use') n += this.string(block['name']) + this.counter.count(JSON.stringify(block['input'] ?? {}));
      else if (type === 'tool_result') n += this.blocks(block['content']);
      else if (type === 'image' || type === 'document') n += IMAGE_TOKENS;
    }
    return n;
  }

  private chat(messages: unknown): number {
    if (!Array.isArray(messages)) return 0;
    let n = REPLY_PRIMING;
    for (const m of messages) {
      if (!isObject(m)) continue;
      n += TOKENS_PER_MESSAGE + this.string(m['role']) + this.content(m['content']) + this.string(m['refusal']);
      if (typeof m['name'] === 'string') n += TOKENS_PER_NAME + this.string(m['name']);
      const calls = m['tool_calls'];
      if (Array.isArray(calls)) {
        for (const c of calls) {
          if (isObject(c) && isObject(c['function'])) n += this.string(c['function']['name']) + this.string(c['function']['arguments']);
        }
      }
    }
    return n;
  }

  /** Responses `input`: a string, or items (messages with string/part content, function calls and their outputs). */
  private responsesInput(input: unknown): number {
    if (typeof input === 'string') return this.counter.count(input) + TOKENS_PER_MESSAGE + REPLY_PRIMING;
    if (!Array.isArray(input)) return 0;
    let n = REPLY_PRIMING;
    for (const item of input) {
      if (!isObject(item)) continue;
      n += TOKENS_PER_MESSAGE + this.string(item['role']) + this.content(item['content']);
      n += this.string(item['name']) + this.string(item['arguments']) + this.content(item['output']);
    }
    return n;
  }

  /** Message content: a string or an array of parts (text / input_text / output_text, images). */
  private content(content: unknown): number {
    if (typeof content === 'string') return this.counter.count(content);
    if (!Array.isArray(content)) return 0;
    let n = 0;
    for (const part of content) {
      if (typeof part === 'string') n += this.counter.count(part);
      else if (!isObject(part)) continue;
      else if (typeof part['text'] === 'string') n += this.counter.count(part['text']);
      else if (part['type'] === 'image_url' || part['type'] === 'input_image') n += IMAGE_TOKENS;
    }
    return n;
  }

  /** Completions `prompt` / embeddings `input`: string | string[] | token array | token arrays. */
  private prompt(p: unknown): number {
    if (typeof p === 'string') return this.counter.count(p);
    if (!Array.isArray(p)) return 0;
    let n = 0;
    for (const x of p) {
      if (typeof x === 'string') n += this.counter.count(x);
      else if (typeof x === 'number') n += 1;
      else if (Array.isArray(x)) n += x.length;
    }
    return n;
  }

  /** Tool definitions are rendered into the prompt in a private format; their JSON is a close stand-in. */
  private tools(tools: unknown): number {
    return Array.isArray(tools) && tools.length > 0 ? this.counter.count(JSON.stringify(tools)) : 0;
  }

  private string(v: unknown): number {
    return typeof v === 'string' ? this.counter.count(v) : 0;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
