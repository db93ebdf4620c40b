import type { RequestContext } from '../pipeline/context.js';

const INCLUDE_USAGE = Buffer.from('"stream_options":{"include_usage":true},');

export interface PreparedBody {
  readonly body: Buffer;
  /** We asked for the stream usage chunk the client did not ask for: strip it from the relay. */
  readonly injectedUsage: boolean;
}

/**
 * The body for one target. The client's bytes are forwarded unchanged unless the target renames the
 * model or the stream needs `stream_options.include_usage`; the latter is spliced in without
 * re-serialising when the client sent no `stream_options` at all (the common case).
 */
export function bodyForTarget(ctx: RequestContext, targetModel: string): PreparedBody {
  const request = ctx.request;
  if (request === undefined) return { body: ctx.body, injectedUsage: false };
  const canAskUsage = ctx.operation === 'chat' || ctx.operation === 'text_completion';
  const injectUsage = request.stream && !request.clientAskedUsage && canAskUsage;
  const renameModel = targetModel !== request.model;
  if (!injectUsage && !renameModel) return { body: ctx.body, injectedUsage: false };
  if (!renameModel && !('stream_options' in request.json)) {
    const open = ctx.body.indexOf(0x7b); // '{' — validate guarantees a JSON object
    return { body: Buffer.concat([ctx.body.subarray(0, open + 1), INCLUDE_USAGE, ctx.body.subarray(open + 1)]), injectedUsage: true };
  }
  const json: Record<string, unknown> = { ...request.json, model: targetModel };
  if (injectUsage) {
    const existing = request.json.stream_options;
    json.stream_options = { ...(typeof existing === 'object' && existing !== null ? existing : {}), include_usage: true };
  }
  return { body: Buffer.from(JSON.stringify(json)), injectedUsage: injectUsage };
}
