import type { AnswerFacts } from '../pipeline/context.js';
import type { SseEvent } from '../upstream/sse.js';
import { usageFromJson } from '../usage/extract.js';
import { TopLevelFields } from '../usage/json-fields.js';
import { responseTextFromJson } from '../usage/response-text.js';
import { createStreamUsageReader } from '../usage/stream-usage.js';
import type { Operation } from '../usage/types.js';
import type { AnswerReader } from './wire-api.js';

/**
 * A whole answer without usage has its output estimated from its text, which needs the whole body:
 * kept only up to this size. Usage itself is read from any size as the bytes pass.
 */
const TEXT_FALLBACK_CAP = 256 * 1024;

/** Usage, model, id and text of an OpenAI-shaped answer: SSE events of a stream, or the chunks of a JSON body. */
export function openAiAnswerReader(operation: Operation, hideAskedUsage: boolean): AnswerReader {
  let stream: ReturnType<typeof createStreamUsageReader> | undefined;
  let whole: TopLevelFields | undefined;
  const kept: Buffer[] = [];
  let size = 0;
  return {
    onEvent(event: SseEvent): boolean {
      stream ??= createStreamUsageReader(operation, { stripInjectedUsage: hideAskedUsage, collectText: true });
      return stream.onEvent(event);
    },
    onChunk(chunk: Buffer): void {
      whole ??= new TopLevelFields(['usage', 'model', 'id']);
      whole.push(chunk);
      size += chunk.length;
      if (size <= TEXT_FALLBACK_CAP) kept.push(chunk);
    },
    facts(): AnswerFacts {
      if (stream !== undefined) return { usage: stream.usage, promptUsage: undefined, model: stream.responseModel, id: stream.responseId, text: stream.deliveredText };
      if (whole === undefined) return { usage: undefined, promptUsage: undefined, model: undefined, id: undefined, text: '' };
      const usage = whole.get('usage');
      const model = whole.get('model');
      const id = whole.get('id');
      const facts: AnswerFacts = {
        usage: usage === undefined ? undefined : usageFromJson(operation, { usage }),
        promptUsage: undefined,
        model: typeof model === 'string' && model !== '' ? model : undefined,
        id: typeof id === 'string' && id !== '' ? id : undefined,
        text: '',
      };
      if (facts.usage === undefined && size > 0 && size <= TEXT_FALLBACK_CAP) facts.text = textOf(Buffer.concat(kept, size));
      return facts;
    },
  };
}

function textOf(body: Buffer): string {
  try {
    return responseTextFromJson(JSON.parse(body.toString('utf8')));
  } catch {
    return '';
  }
}
