import type { RequestContext } from '../pipeline/context.js';

const INCLUDE_USAGE = Buffer.from('"stream_options":{"include_usage":true},');

/**
 * The body for one target. The client's bytes are forwarded unchanged unless the target renames the
 * model or the usage stage asks for the stream's usage; the latter is spliced in without
 * re-serialising when the client sent no `stream_options` at all (the common case).
 */
export function bodyForTarget(ctx: RequestContext, targetModel: string): Buffer {
  const request = ctx.request;
  if (request === undefined) return ctx.body;
  const renameModel = targetModel !== request.model;
  if (!ctx.askUsage && !renameModel) return ctx.body;
  if (!renameModel && !('stream_options' in request.json)) {
    const open = ctx.body.indexOf(0x7b); // '{' — validate guarantees a JSON object
    return Buffer.concat([ctx.body.subarray(0, open + 1), INCLUDE_USAGE, ctx.body.subarray(open + 1)]);
  }
  const json: Record<string, unknown> = { ...request.json, model: targetModel };
  if (ctx.askUsage) {
    const existing = request.json['stream_options'];
    json['stream_options'] = { ...(typeof existing === 'object' && existing !== null ? existing : {}), include_usage: true };
  }
  return Buffer.from(JSON.stringify(json));
}
