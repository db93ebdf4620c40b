import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { RequestContext } from '../pipeline/context.js';

/** The one access line per request, written at its real end. */
export function writeAccessLog(logger: Logger, ctx: RequestContext, traceId: string | undefined, spanId: string | undefined): void {
  const { result, request, usage } = ctx;
  const latencyMs = performance.now() - ctx.startedAt;
  logger.info(
    {
      request_id: ctx.id,
      trace_id: traceId,
      span_id: spanId,
      method: ctx.req.method,
      route: ctx.routeLabel,
      path: ctx.path,
      key: ctx.principal.name,
      model: request?.model,
      response_model: result.responseModel,
      upstream: result.upstream,
      status: result.status,
      error_type: result.errorClass,
      error_code: ctx.gatewayErrorCode,
      attempts: result.attempts,
      stream: request?.stream ?? false,
      stream_outcome: result.streamOutcome,
      latency_ms: round(latencyMs),
      ttft_ms: result.firstByteMs === undefined ? undefined : round(result.firstByteMs),
      upstream_ms: round(result.upstreamMs),
      tokens: usage === undefined ? undefined : {
        input: usage.input,
        cached_input: usage.cachedInput,
        cache_write: usage.cacheWrite,
        output: usage.output,
        reasoning: usage.reasoning,
      },
      usage_source: usage?.source,
      cost_usd: ctx.costUsd,
    },
    'request',
  );
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
