import type { Next, RequestContext } from '../pipeline/context.js';
import { asGatewayError, sendError } from '../server/reply.js';
import type { Recorder } from './recorder.js';

/**
 * First stage: opens the request's telemetry, turns any error into the one reply of its API's shape,
 * and finalizes exactly once, at the real end of the answer (after the stream).
 */
export function observeStage(recorder: Recorder) {
  return async function observe(ctx: RequestContext, next: Next): Promise<void> {
    recorder.requestStarted(ctx);
    try {
      await next();
    } catch (error) {
      const gatewayError = asGatewayError(error);
      if (gatewayError.errorClass === 'internal') ctx.log.error({ err: error }, 'internal error');
      sendError(ctx, gatewayError);
    } finally {
      recorder.requestFinished(ctx);
    }
  };
}
