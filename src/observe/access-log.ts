import { performance } from 'node:perf_hooks';
import type { RequestContext } from '../pipeline/context.js';

/** The one access line per request, written at its real end, through the request's own logger (which carries request_id). */
export function writeAccessLog(ctx: RequestContext, traceId: string | undefined, spanId: string | undefined): void {
  const { request, usage, reply, upstream, stream } = ctx;
  const latencyMs = performance.now() - ctx.startedAt;
  ctx.log.info(
    {
      trace_id: traceId,
      span_id: spanId,
      method: ctx.req.method,
      route: ctx.routeLabel,
      path: ctx.path,
      key: ctx.principal.name,
      model: request?.model,
      response_model: ctx.answer.model,
      upstream: upstream.name,
      status: reply.status,
      error_type: reply.errorClass,
      error_code: reply.errorCode,
      attempts: upstream.attempts,
      stream: request?.stream ?? false,
      stream_outcome: stream.outcome,
      client_left: stream.clientLeft ? true : undefined,
      durable: ctx.durable,
      latency_ms: round(latencyMs),
      ttft_ms: stream.firstByteMs === undefined ? undefined : round(stream.firstByteMs),
      upstream_ms: round(upstream.waitedMs),
      queue_ms: ctx.waits.queueMs > 0 ? round(ctx.waits.queueMs) : undefined,
      backoff_ms: ctx.waits.backoffMs > 0 ? round(ctx.waits.backoffMs) : undefined,
      tokens: usage === undefined ? undefined : {
        input: usage.input,
        cached_input: usage.cachedInput,
        cache_write: usage.cacheWrite,
        output: usage.output,
        reasoning: usage.reasoning,
      },
      usage_source: usage?.source,
      cost_usd: ctx.costUsd,
      run_id: ctx.run?.id,
      run_source: ctx.run?.source,
      loop: ctx.run?.loop,
      policy: ctx.policyActions.length > 0 ? ctx.policyActions : undefined,
      cache: ctx.cache?.result,
      cache_saved_usd: ctx.cache?.savedUsd,
    },
    'request',
  );
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
