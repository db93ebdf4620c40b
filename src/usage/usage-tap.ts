import type { RequestContext } from '../pipeline/context.js';
import type { ResponseTap } from '../pipeline/taps.js';

/**
 * The first tap: what the answer says about its usage, model and id, read by the request's wire API
 * as the answer passes. It also hides the usage chunk the gateway asked for and the client did not,
 * so later taps and the client see the stream the client would have had without the gateway.
 */
export function usageTap(ctx: RequestContext): ResponseTap {
  const reader = ctx.api.answerReader(ctx.operation!, { hideAskedUsage: ctx.askUsage });
  return {
    onEvent: (event) => reader.onEvent(event),
    onChunk: (chunk) => reader.onChunk(chunk),
    onEnd: () => Object.assign(ctx.answer, reader.facts()),
  };
}
