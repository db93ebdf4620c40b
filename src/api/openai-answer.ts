import type { AnswerFacts } from '../pipeline/context.js';
import type { SseEvent } from '../upstream/sse.js';
import { responseIdFromJson, responseModelFromJson, usageFromJson } from '../usage/extract.js';
import { TopLevelFields } from '../usage/json-fields.js';
import { responseTextFromJson } from '../usage/response-text.js';
import { createStreamUsageReader, MAX_TOOL_CALL_IDS } from '../usage/stream-usage.js';
import type { Operation } from '../usage/types.js';
import type { AnswerReader } from './wire-api.js';

/**
 * A whole answer up to this size is kept and parsed once at its end (JSON.parse is native and fast:
 * usage, model, id, tool calls and, for an estimate, its text). A larger one (an embeddings answer
 * for 2,048 inputs is ~30 MB) is never held: its top-level usage, model and id are picked out as the
 * bytes pass.
 */
const WHOLE_PARSE_CAP = 256 * 1024;

type Obj = Record<string, unknown>;

/** Usage, model, id, text and tool calls of an OpenAI-shaped answer: SSE events of a stream, or the chunks of a JSON body. */
export function openAiAnswerReader(operation: Operation, hideAskedUsage: boolean): AnswerReader {
  let stream: ReturnType<typeof createStreamUsageReader> | undefined;
  let kept: Buffer[] | undefined = [];
  let size = 0;
  let scanner: TopLevelFields | undefined;
  return {
    onEvent(event: SseEvent): boolean {
      stream ??= createStreamUsageReader(operation, { stripInjectedUsage: hideAskedUsage, collectText: true });
      return stream.onEvent(event);
    },
    onChunk(chunk: Buffer): void {
      size += chunk.length;
      if (kept !== undefined && size <= WHOLE_PARSE_CAP) return void kept.push(chunk);
      if (scanner === undefined) {
        scanner = new TopLevelFields(['usage', 'model', 'id']);
        for (const part of kept ?? []) scanner.push(part);
        kept = undefined;
      }
      scanner.push(chunk);
    },
    facts(): AnswerFacts {
      if (stream !== undefined) return { usage: stream.usage, promptUsage: undefined, model: stream.responseModel, id: stream.responseId, text: stream.deliveredText, toolCallIds: stream.toolCallIds };
      if (scanner !== undefined) return fromScanner(operation, scanner);
      return fromWhole(operation, kept === undefined || kept.length === 0 ? undefined : Buffer.concat(kept, size));
    },
  };
}

function fromWhole(operation: Operation, body: Buffer | undefined): AnswerFacts {
  let parsed: unknown;
  try {
    parsed = body === undefined ? undefined : JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const usage = usageFromJson(operation, parsed);
  return {
    usage,
    promptUsage: undefined,
    model: responseModelFromJson(parsed),
    id: responseIdFromJson(parsed),
    text: usage === undefined && parsed !== undefined ? responseTextFromJson(parsed) : '',
    toolCallIds: toolCallIdsOf(parsed),
  };
}

function fromScanner(operation: Operation, scanner: TopLevelFields): AnswerFacts {
  const usage = scanner.get('usage');
  const model = scanner.get('model');
  const id = scanner.get('id');
  return {
    usage: usage === undefined ? undefined : usageFromJson(operation, { usage }),
    promptUsage: undefined,
    model: typeof model === 'string' && model !== '' ? model : undefined,
    id: typeof id === 'string' && id !== '' ? id : undefined,
    text: '',
    toolCallIds: [],
  };
}

/** Tool calls a whole answer makes: chat `choices[].message.tool_calls[].id`, Responses `output[]` function calls' `call_id`. */
function toolCallIdsOf(body: unknown): string[] {
  const ids: string[] = [];
  const add = (id: unknown): void => {
    if (typeof id === 'string' && id !== '' && ids.length < MAX_TOOL_CALL_IDS) ids.push(id);
  };
  if (!isObject(body)) return ids;
  const { choices, output } = body;
  if (Array.isArray(choices)) {
    for (const choice of choices) {
      const calls = isObject(choice) && isObject(choice['message']) ? choice['message']['tool_calls'] : undefined;
      if (Array.isArray(calls)) for (const call of calls) if (isObject(call)) add(call['id']);
    }
  }
  if (Array.isArray(output)) for (const item of output) if (isObject(item) && item['type'] === 'function_call') add(item['call_id']);
  return ids;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
