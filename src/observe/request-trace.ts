import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { performance } from 'node:perf_hooks';
import type { RequestContext } from '../pipeline/context.js';
import type { CircuitState } from '../resilience/breakers.js';
import type { AttemptHandle, AttemptOutcome } from './recorder.js';
import { ATTR, EVENT, GEN_AI_OPERATION, OPENAI_API_TYPE } from './semconv.js';
import type { AttemptTimings, UndiciTimings } from './undici-timings.js';
import { promptText, requestSpanAttributes, serverSpanFailed, spanName, truncate } from './span-attributes.js';

export interface SpanRecorderOptions {
  readonly tracer: Tracer;
  readonly timings: UndiciTimings;
  /** Upstream name -> base URL, for server.address / server.port on client spans. */
  readonly upstreamUrls: ReadonlyMap<string, URL>;
  readonly logPrompts: boolean;
  readonly redact: (text: string) => string;
}

/** One upstream attempt with its CLIENT span. */
class TracedAttempt implements AttemptHandle {
  constructor(
    readonly upstream: string,
    readonly number: number,
    readonly startedAt: number,
    readonly traceparent: string,
    readonly span: Span,
    readonly server: Span | undefined,
    readonly timings: AttemptTimings,
  ) {}
}

/**
 * Spans of a request: one SERVER span from arrival to the real end (after the stream), one CLIENT
 * child per upstream attempt. Loaded only when tracing is on; with tracing off none of this runs.
 */
export class SpanRecorder {
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly servers = new WeakMap<RequestContext, Span>();

  constructor(private readonly options: SpanRecorderOptions) {}

  requestStarted(ctx: RequestContext): void {
    const parent = this.propagator.extract(ROOT_CONTEXT, ctx.req.headers, defaultTextMapGetter);
    const attributes: Attributes = { [ATTR.httpMethod]: ctx.req.method ?? 'GET', [ATTR.urlPath]: `/v1${ctx.path}`, [ATTR.requestId]: ctx.id };
    if (ctx.operation !== undefined) {
      attributes[ATTR.genAiOperation] = GEN_AI_OPERATION[ctx.operation];
      attributes[ATTR.genAiProvider] = ctx.api.name;
      const apiType = OPENAI_API_TYPE[ctx.operation];
      if (apiType !== undefined) attributes[ATTR.openAiApiType] = apiType;
      attributes[ATTR.httpRoute] = `/v1${ctx.path}`;
    }
    const span = this.options.tracer.startSpan(spanName(ctx), { kind: SpanKind.SERVER, startTime: ctx.startedAt, attributes }, parent);
    this.servers.set(ctx, span);
  }

  attemptStarted(ctx: RequestContext, upstream: string, number: number, startedAt: number): AttemptHandle {
    const server = this.servers.get(ctx);
    const model = ctx.upstream.model ?? ctx.request?.model;
    const attributes: Attributes = { [ATTR.upstream]: upstream, [ATTR.attempt]: number, [ATTR.httpMethod]: ctx.req.method ?? 'POST' };
    if (ctx.operation !== undefined) {
      attributes[ATTR.genAiOperation] = GEN_AI_OPERATION[ctx.operation];
      attributes[ATTR.genAiProvider] = ctx.api.name;
      if (model !== undefined) attributes[ATTR.genAiRequestModel] = model;
    }
    const url = this.options.upstreamUrls.get(upstream);
    if (url !== undefined) {
      attributes[ATTR.serverAddress] = url.hostname;
      attributes[ATTR.serverPort] = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    }
    const name = ctx.operation === undefined ? `${ctx.req.method ?? 'POST'} ${upstream}` : `${GEN_AI_OPERATION[ctx.operation]} ${model ?? ''}`.trimEnd();
    const span = this.options.tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: startedAt, attributes }, server === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, server));
    const { traceId, spanId, traceFlags } = span.spanContext();
    const traceparent = `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
    return new TracedAttempt(upstream, number, startedAt, traceparent, span, server, this.options.timings.track(traceparent));
  }

  attemptFinished(handle: AttemptHandle, outcome: AttemptOutcome, status: number | undefined): void {
    if (!(handle instanceof TracedAttempt)) return;
    const { span, timings } = handle;
    this.options.timings.untrack(handle.traceparent);
    if (span.isRecording()) {
      if (status !== undefined) span.setAttribute(ATTR.httpStatus, status);
      if (outcome !== 'success') {
        span.setAttribute(ATTR.errorType, outcome);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      if (timings.connectStart !== undefined && timings.connectEnd !== undefined) {
        span.setAttribute(ATTR.connectMs, round(timings.connectEnd - timings.connectStart));
        span.addEvent(EVENT.connected, timings.connectEnd);
      }
      if (timings.sentAt !== undefined) {
        span.setAttribute(ATTR.connectionReused, timings.connectStart === undefined);
        span.addEvent(EVENT.requestSent, timings.sentAt);
      }
      if (timings.firstByteAt !== undefined) {
        span.setAttribute(ATTR.firstByteMs, round(timings.firstByteAt - handle.startedAt));
        span.addEvent(EVENT.firstByte, timings.firstByteAt);
      }
    }
    span.end(performance.now());
  }

  /** A span event on the request's server span (retry, fallback). */
  event(ctx: RequestContext, name: string, attributes: Attributes): void {
    const span = this.servers.get(ctx);
    if (span !== undefined && span.isRecording()) span.addEvent(name, attributes, performance.now());
  }

  /** The circuit moved on this attempt's own outcome: an event on its span and its request's. */
  circuitChangedDuring(handle: AttemptHandle, state: CircuitState): void {
    if (!(handle instanceof TracedAttempt)) return;
    const attributes = { [ATTR.upstream]: handle.upstream, state };
    const now = performance.now();
    if (handle.span.isRecording()) handle.span.addEvent(EVENT.circuit, attributes, now);
    if (handle.server?.isRecording() === true) handle.server.addEvent(EVENT.circuit, attributes, now);
  }

  /** Ends the server span at the real end of the answer; returns its ids for the access line and exemplars. */
  requestFinished(ctx: RequestContext): { traceId: string; spanId: string; sampled: boolean } | undefined {
    const span = this.servers.get(ctx);
    if (span === undefined) return undefined;
    this.servers.delete(ctx);
    const end = performance.now();
    if (span.isRecording()) {
      span.updateName(spanName(ctx));
      span.setAttributes(requestSpanAttributes(ctx));
      const { stream } = ctx;
      if (stream.firstByteMs !== undefined && ctx.request?.stream === true) span.addEvent(EVENT.firstToken, ctx.startedAt + stream.firstByteMs);
      if (stream.outcome !== undefined) span.addEvent(EVENT.streamEnd, { [ATTR.streamOutcome]: stream.outcome }, end);
      if (this.options.logPrompts) this.addPrompts(span, ctx);
      if (serverSpanFailed(ctx)) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(end);
    const { traceId, spanId, traceFlags } = span.spanContext();
    return { traceId, spanId, sampled: (traceFlags & 1) === 1 };
  }

  private addPrompts(span: Span, ctx: RequestContext): void {
    const prompt = promptText(ctx);
    if (prompt !== undefined) span.setAttribute(ATTR.genAiInputMessages, this.options.redact(prompt));
    const output = ctx.answer.text;
    if (output !== '') span.setAttribute(ATTR.genAiOutputMessages, this.options.redact(truncate(output)));
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
