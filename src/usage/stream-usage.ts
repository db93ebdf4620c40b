import type { SseEvent } from '../upstream/sse.js';
import { responseIdFromJson, responseModelFromJson, usageFromJson } from './extract.js';
import type { Operation, TokenUsage } from './types.js';

/**
 * Reads usage, model and the terminal marker from a relayed SSE stream.
 *
 * Runs once per stream event, so it avoids JSON.parse except where the answer
 * needs it: chat/completions events whose data holds a `"usage": {` object;
 * Responses terminal and error events; error payloads. The model comes from a
 * regex on early events until one names it (Azure's first chunk has `"model":""`).
 *
 * With `collectText` on, every content-bearing event is parsed to pull out the
 * delivered text. That is the price of being able to estimate output tokens
 * when no usage arrives; callers turn it on only when the stream may end
 * without provider usage, and parsing stops once the text cap is reached.
 */
export interface StreamUsageReader {
  /**
   * Returns false when this event must NOT be forwarded to the client (the usage-only chunk we injected via
   * stream_options.include_usage when the client did not ask for it). With stripInjectedUsage it also
   * rewrites `ev.raw` without the `"usage":null` field the provider then adds to every other chunk, so
   * the client's stream is the one it would have had without the gateway.
   */
  onEvent(ev: SseEvent): boolean;
  /** Last usage seen. */
  readonly usage: TokenUsage | undefined;
  /** `model` from the stream. */
  readonly responseModel: string | undefined;
  /** `id` of the answer (`chatcmpl-...`, `resp_...`): what a stored answer is retrieved by. */
  readonly responseId: string | undefined;
  /** chat/completions: `data: [DONE]`; responses: response.completed / .failed / .incomplete; any: an error event. */
  readonly sawTerminal: boolean;
  /** An `error` event, an `{"error":...}` payload, or response.failed ended the stream. */
  readonly upstreamError: boolean;
  /** Content text delivered so far when collectText, capped at MAX_COLLECTED_CHARS. */
  readonly deliveredText: string;
  /** Ids of the tool calls the answer made (chat `tool_calls[].id`, Responses `function_call.call_id`), bounded. */
  readonly toolCallIds: readonly string[];
}

/** Tool calls kept per answer: a bound against a model that emits thousands. */
export const MAX_TOOL_CALL_IDS = 64;

/** 256 Ki UTF-16 code units: enough to estimate a long answer, bounded per stream. */
export const MAX_COLLECTED_CHARS = 256 * 1024;

const RESPONSES_TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);
const RESPONSES_TEXT_DELTAS = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
]);
const MODEL_RE = /"model"\s*:\s*"((?:[^"\\]|\\.)+)"/;
/** A chat chunk's own id leads its object; tool-call ids come later, nested. */
const LEADING_ID_RE = /^\s*\{\s*"id"\s*:\s*"([^"\\]+)"/;
/** `response.created` carries the response object, its id first. */
const RESPONSE_ID_RE = /"response"\s*:\s*\{\s*"id"\s*:\s*"([^"\\]+)"/;
const LEADING_TYPE_RE = /^\s*\{\s*"type"\s*:\s*"([^"\\]+)"/;
const ERROR_PAYLOAD_RE = /^\s*\{\s*"error"\s*:/;

export function createStreamUsageReader(
  op: Operation,
  opts: { stripInjectedUsage: boolean; collectText: boolean },
): StreamUsageReader {
  let usage: TokenUsage | undefined;
  let responseModel: string | undefined;
  let responseId: string | undefined;
  let sawTerminal = false;
  let upstreamError = false;
  let text = '';
  let collecting = opts.collectText;
  const toolCallIds: string[] = [];
  const addToolCallId = (id: unknown): void => {
    if (typeof id === 'string' && id !== '' && toolCallIds.length < MAX_TOOL_CALL_IDS) toolCallIds.push(id);
  };

  function append(s: unknown): void {
    if (typeof s !== 'string' || s === '') return;
    const room = MAX_COLLECTED_CHARS - text.length;
    if (s.length >= room) {
      text += s.slice(0, room);
      collecting = false;
    } else {
      text += s;
    }
  }

  function sniffModel(data: string): void {
    if (responseModel !== undefined) return;
    const m = MODEL_RE.exec(data);
    if (m?.[1] !== undefined) responseModel = unescapeJsonString(m[1]);
  }

  function takeFromParsed(parsed: unknown, usageOp: Operation): void {
    const u = usageFromJson(usageOp, parsed);
    if (u !== undefined) usage = u;
    const m = responseModelFromJson(parsed);
    if (m !== undefined) responseModel = m;
    responseId ??= responseIdFromJson(parsed);
  }

  function onChatEvent(ev: SseEvent): boolean {
    const data = ev.data;
    if (data === '[DONE]') {
      sawTerminal = true;
      return true;
    }
    if (ev.event === 'error' || ERROR_PAYLOAD_RE.test(data)) {
      sawTerminal = true;
      upstreamError = true;
      return true;
    }
    if (opts.stripInjectedUsage) dropNullUsage(ev);
    sniffModel(data);
    responseId ??= LEADING_ID_RE.exec(data)?.[1];
    const needUsage = hasUsageObject(data);
    const hasToolCalls = data.includes('"tool_calls"');
    if (!needUsage && !collecting && !hasToolCalls) return true;
    const parsed = safeParse(data);
    if (!isObject(parsed)) return true;
    if (collecting) collectChatText(parsed, append);
    if (hasToolCalls) collectChatToolCallIds(parsed, addToolCallId);
    if (!needUsage) return true;
    takeFromParsed(parsed, op);
    const choices = parsed['choices'];
    // Only the usage-only chunk is ours to drop; a provider that puts usage on a
    // content chunk still gets that chunk through, usage field and all.
    return !(opts.stripInjectedUsage && Array.isArray(choices) && choices.length === 0);
  }

  function onResponsesEvent(ev: SseEvent): boolean {
    const data = ev.data;
    const type = ev.event ?? LEADING_TYPE_RE.exec(data)?.[1];
    if (type === undefined) return true;
    sniffModel(data);
    if (type === 'response.created') responseId ??= RESPONSE_ID_RE.exec(data)?.[1];
    // Ids as the items pass, not only at the end: a client runs a tool from a stream cut after its item.
    if (type === 'response.output_item.added' && data.includes('"function_call"')) {
      const parsed = safeParse(data);
      const item = isObject(parsed) ? parsed['item'] : undefined;
      if (isObject(item) && item['type'] === 'function_call') addToolCallId(item['call_id']);
    }
    if (RESPONSES_TERMINAL.has(type)) {
      sawTerminal = true;
      if (type === 'response.failed') upstreamError = true;
      takeFromParsed(safeParse(data), 'responses');
    } else if (type === 'error') {
      sawTerminal = true;
      upstreamError = true;
    } else if (collecting && RESPONSES_TEXT_DELTAS.has(type)) {
      const parsed = safeParse(data);
      if (isObject(parsed)) append(parsed['delta']);
    }
    return true;
  }

  return {
    onEvent(ev: SseEvent): boolean {
      // An event cut off before its blank line is not dispatched by SSE clients
      // either, so a cut-off "[DONE]" must not pass for a clean end.
      if (ev.data === '' || ev.incomplete) return true;
      return op === 'responses' ? onResponsesEvent(ev) : onChatEvent(ev);
    },
    get usage() {
      return usage;
    },
    get responseModel() {
      return responseModel;
    },
    get responseId() {
      return responseId;
    },
    get sawTerminal() {
      return sawTerminal;
    },
    get upstreamError() {
      return upstreamError;
    },
    get deliveredText() {
      return text;
    },
    get toolCallIds() {
      return toolCallIds;
    },
  };
}

/**
 * True when `"usage"` is followed by an object (not `null`). Inside JSON string
 * values every quote is escaped, so the unescaped `"usage"` only matches a key.
 */
function hasUsageObject(data: string): boolean {
  let i = data.indexOf('"usage"');
  while (i !== -1) {
    let j = i + 7;
    while (j < data.length && isSpace(data.charCodeAt(j))) j++;
    if (data.charCodeAt(j) === 0x3a /* : */) {
      j++;
      while (j < data.length && isSpace(data.charCodeAt(j))) j++;
      if (data.charCodeAt(j) === 0x7b /* { */) return true;
    }
    i = data.indexOf('"usage"', i + 7);
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function safeParse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function unescapeJsonString(s: string): string {
  if (!s.includes('\\')) return s;
  const v = safeParse(`"${s}"`);
  return typeof v === 'string' ? v : s;
}

/** Text a chat/completions chunk delivers: content, refusal, legacy `text`, tool-call arguments, provider reasoning text. */
function collectChatText(chunk: Obj, append: (s: unknown) => void): void {
  const choices = chunk['choices'];
  if (!Array.isArray(choices)) return;
  for (const c of choices) {
    if (!isObject(c)) continue;
    append(c['text']);
    const d = c['delta'];
    if (!isObject(d)) continue;
    append(d['content']);
    append(d['refusal']);
    append(d['reasoning_content']);
    const calls = d['tool_calls'];
    if (Array.isArray(calls)) {
      for (const call of calls) {
        if (isObject(call) && isObject(call['function'])) append(call['function']['arguments']);
      }
    }
  }
}

/** Tool call ids of a chat chunk: each call's id comes on its first delta. */
function collectChatToolCallIds(chunk: Obj, add: (id: unknown) => void): void {
  const choices = chunk['choices'];
  if (!Array.isArray(choices)) return;
  for (const c of choices) {
    const calls = isObject(c) && isObject(c['delta']) ? c['delta']['tool_calls'] : undefined;
    if (Array.isArray(calls)) for (const call of calls) if (isObject(call)) add(call['id']);
  }
}

const NULL_USAGE = /,\s*"usage"\s*:\s*null(?=\s*[,}])/;

/** Removes the `"usage":null` member a provider adds to chunks once usage was asked for. A cheap byte search first: most chunks have none. */
function dropNullUsage(ev: SseEvent): void {
  if (ev.raw.indexOf('"usage"') === -1) return;
  const text = ev.raw.toString('utf8');
  const stripped = text.replace(NULL_USAGE, '');
  if (stripped.length !== text.length) ev.raw = Buffer.from(stripped, 'utf8');
}
