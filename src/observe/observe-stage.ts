import type { Logger } from 'pino';
import type { Next, RequestContext } from '../pipeline/context.js';
import { asGatewayError, sendError } from '../server/reply.js';
import type { Recorder } from './recorder.js';

/**
 * First stage: opens the request's telemetry, turns any error into the one OpenAI-shaped reply,
 * and finalizes exactly once, at the real end of the answer (after the stream).
 */
export function observeStage(recorder: Recorder, logger: Logger) {
  return async function observe(ctx: RequestContext, next: Next): Promise<void> {
    recorder.requestStarted(ctx);
    try {
      await next();
    } catch (error) {
      const gatewayError = asGatewayError(error);
      if (gatewayError.errorClass === 'internal') logger.error({ err: error, request_id: ctx.id }, 'internal error');
      sendError(ctx, gatewayError);
    } finally {
      recorder.requestFinished(ctx);
    }
  };
}
