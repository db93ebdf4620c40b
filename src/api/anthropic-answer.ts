import type { AnswerFacts } from '../pipeline/context.js';
import type { SseEvent } from '../upstream/sse.js';
import { AnthropicUsage, anthropicUsageFromJson } from '../usage/anthropic-usage.js';
import { TopLevelFields } from '../usage/json-fields.js';
import { responseTextFromJson } from '../usage/response-text.js';
import { MAX_COLLECTED_CHARS, MAX_TOOL_CALL_IDS } from '../usage/stream-usage.js';
import type { AnswerReader } from './wire-api.js';

/** A whole answer without usage has its output estimated from its text, kept only up to this size. */
const TEXT_FALLBACK_CAP = 256 * 1024;
const LEADING_TYPE_RE = /^\s*\{\s*"type"\s*:\s*"([^"\\]+)"/;
const TOOL_USE = Buffer.from('"tool_use"');

/**
 * Usage, model, id and text of a Messages answer. A stream: `message_start` (model, id, usage so
 * far), `content_block_delta` (text, tool input JSON and thinking, kept for an estimate), each
 * `message_delta` (cumulative usage); only these few events are parsed, the rest pass by their
 * type. A whole body: its top-level `usage`, `model` and `id` as the bytes pass.
 *
 * The usage is the provider's once a `message_delta` came (the output count is final); a stream cut
 * before one reports its prompt side only (`promptUsage`), and the delivered text is estimated.
 */
export function anthropicAnswerReader(): AnswerReader {
  let counters: AnthropicUsage | undefined;
  let complete = false;
  let model: string | undefined;
  let id: string | undefined;
  let text = '';
  const toolCallIds: string[] = [];
  let whole: TopLevelFields | undefined;
  const kept: Buffer[] = [];
  let size = 0;

  function append(piece: unknown): void {
    if (typeof piece !== 'string' || piece === '' || text.length >= MAX_COLLECTED_CHARS) return;
    text += piece.length > MAX_COLLECTED_CHARS - text.length ? piece.slice(0, MAX_COLLECTED_CHARS - text.length) : piece;
  }

  function onStreamEvent(event: SseEvent): void {
    const type = event.event ?? LEADING_TYPE_RE.exec(event.data)?.[1];
    if (type === 'content_block_start') return onBlockStart(event.data);
    if (type !== 'message_start' && type !== 'message_delta' && type !== 'content_block_delta') return;
    const parsed = safeParse(event.data);
    if (!isObject(parsed)) return;
    counters ??= new AnthropicUsage();
    if (type === 'content_block_delta') {
      const delta = parsed['delta'];
      if (isObject(delta)) append(delta['text'] ?? delta['partial_json'] ?? delta['thinking']);
    } else if (type === 'message_start') {
      const message = parsed['message'];
      if (!isObject(message)) return;
      counters.see(message['usage']);
      if (typeof message['model'] === 'string' && message['model'] !== '') model ??= message['model'];
      if (typeof message['id'] === 'string' && message['id'] !== '') id ??= message['id'];
    } else {
      counters.see(parsed['usage']);
      complete ||= counters.seen;
    }
  }

  // The ids of the tool_use blocks the answer makes: a later request answering one continues the run.
  function onBlockStart(data: string): void {
    if (!data.includes('"tool_use"') || toolCallIds.length >= MAX_TOOL_CALL_IDS) return;
    const parsed = safeParse(data);
    const block = isObject(parsed) ? parsed['content_block'] : undefined;
    if (isObject(block) && block['type'] === 'tool_use' && typeof block['id'] === 'string') toolCallIds.push(block['id']);
  }

  return {
    onEvent(event: SseEvent): boolean {
      if (event.incomplete !== true && event.data !== '') onStreamEvent(event);
      return true;
    },
    onChunk(chunk: Buffer): void {
      whole ??= new TopLevelFields(['usage', 'model', 'id']);
      whole.push(chunk);
      size += chunk.length;
      if (size <= TEXT_FALLBACK_CAP) kept.push(chunk);
    },
    facts(): AnswerFacts {
      if (whole === undefined) {
        return {
          usage: complete ? counters!.toTokenUsage() : undefined,
          promptUsage: !complete && counters?.promptKnown === true ? counters.toTokenUsage() : undefined,
          model,
          id,
          text,
          toolCallIds,
        };
      }
      const wholeModel = whole.get('model');
      const wholeId = whole.get('id');
      const usage = anthropicUsageFromJson(whole.get('usage'));
      const body = size > 0 && size <= TEXT_FALLBACK_CAP ? Buffer.concat(kept, size) : undefined;
      const parsed = body !== undefined && (usage === undefined || body.includes(TOOL_USE)) ? safeParse(body.toString('utf8')) : undefined;
      return {
        usage,
        promptUsage: undefined,
        model: typeof wholeModel === 'string' && wholeModel !== '' ? wholeModel : undefined,
        id: typeof wholeId === 'string' && wholeId !== '' ? wholeId : undefined,
        text: usage === undefined ? responseTextFromJson(parsed) : '',
        toolCallIds: toolUseIdsOf(parsed),
      };
    },
  };
}

/** A whole answer's `content[]` tool_use blocks. */
function toolUseIdsOf(body: unknown): string[] {
  const content = isObject(body) ? body['content'] : undefined;
  if (!Array.isArray(content)) return [];
  const ids: string[] = [];
  for (const block of content) {
    if (isObject(block) && block['type'] === 'tool_use' && typeof block['id'] === 'string' && ids.length < MAX_TOOL_CALL_IDS) ids.push(block['id']);
  }
  return ids;
}

function safeParse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
