// The single-encoding entry loads only the o200k_base ranks, not every model's
// metadata the package root pulls in.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { Operation, TokenUsage } from './types.js';

/**
 * Token estimates for when the provider reports no usage (a cut-off stream, a
 * provider that ignores stream_options). o200k_base is the encoding of every
 * current OpenAI chat model; for other providers the count is an approximation.
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

export function estimateTextTokens(text: string): number {
  if (text === '') return 0;
  if (text.length <= SLICE_CHARS) return countTokens(text, ENCODE_OPTIONS);
  let total = 0;
  for (let start = 0; start < text.length; start += SLICE_CHARS) total += countTokens(text.slice(start, start + SLICE_CHARS), ENCODE_OPTIONS);
  return total;
}

export function estimateInputTokens(op: Operation, requestBody: unknown): number {
  if (!isObject(requestBody)) return 0;
  switch (op) {
    case 'chat':
      return chatTokens(requestBody['messages']) + toolTokens(requestBody['tools'] ?? requestBody['functions']);
    case 'text_completion':
      return promptTokens(requestBody['prompt']);
    case 'embeddings':
      return promptTokens(requestBody['input']);
    case 'responses':
      return (
        responsesInputTokens(requestBody['input']) +
        stringTokens(requestBody['instructions']) +
        toolTokens(requestBody['tools'])
      );
  }
}

export function estimateUsage(op: Operation, requestBody: unknown, deliveredText: string): TokenUsage {
  return {
    input: estimateInputTokens(op, requestBody),
    cachedInput: 0,
    cacheWrite: 0,
    output: op === 'embeddings' ? 0 : estimateTextTokens(deliveredText),
    reasoning: 0,
    source: 'estimated',
  };
}

function chatTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let n = REPLY_PRIMING;
  for (const m of messages) {
    if (!isObject(m)) continue;
    n += TOKENS_PER_MESSAGE + stringTokens(m['role']) + contentTokens(m['content']) + stringTokens(m['refusal']);
    if (typeof m['name'] === 'string') n += TOKENS_PER_NAME + stringTokens(m['name']);
    const calls = m['tool_calls'];
    if (Array.isArray(calls)) {
      for (const c of calls) {
        if (isObject(c) && isObject(c['function'])) {
          n += stringTokens(c['function']['name']) + stringTokens(c['function']['arguments']);
        }
      }
    }
  }
  return n;
}

/** Responses `input`: a string, or items (messages with string/part content, function calls and their outputs). */
function responsesInputTokens(input: unknown): number {
  if (typeof input === 'string') return estimateTextTokens(input) + TOKENS_PER_MESSAGE + REPLY_PRIMING;
  if (!Array.isArray(input)) return 0;
  let n = REPLY_PRIMING;
  for (const item of input) {
    if (!isObject(item)) continue;
    n += TOKENS_PER_MESSAGE + stringTokens(item['role']) + contentTokens(item['content']);
    n += stringTokens(item['name']) + stringTokens(item['arguments']) + contentTokens(item['output']);
  }
  return n;
}

/** Message content: a string or an array of parts (text / input_text / output_text, images). */
function contentTokens(content: unknown): number {
  if (typeof content === 'string') return estimateTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (typeof part === 'string') n += estimateTextTokens(part);
    else if (!isObject(part)) continue;
    else if (typeof part['text'] === 'string') n += estimateTextTokens(part['text']);
    else if (part['type'] === 'image_url' || part['type'] === 'input_image') n += IMAGE_TOKENS;
  }
  return n;
}

/** Completions `prompt` / embeddings `input`: string | string[] | token array | token arrays. */
function promptTokens(p: unknown): number {
  if (typeof p === 'string') return estimateTextTokens(p);
  if (!Array.isArray(p)) return 0;
  let n = 0;
  for (const x of p) {
    if (typeof x === 'string') n += estimateTextTokens(x);
    else if (typeof x === 'number') n += 1;
    else if (Array.isArray(x)) n += x.length;
  }
  return n;
}

/** Tool definitions are rendered into the prompt in a private format; their JSON is a close stand-in. */
function toolTokens(tools: unknown): number {
  return Array.isArray(tools) && tools.length > 0 ? estimateTextTokens(JSON.stringify(tools)) : 0;
}

function stringTokens(v: unknown): number {
  return typeof v === 'string' ? estimateTextTokens(v) : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
