import type { SpanRecorder, SpanRecorderOptions } from './request-trace.js';
import { UndiciTimings } from './undici-timings.js';

/** The environment, as main.ts passes it in; only these OTEL_* names decide whether tracing runs. */
export type Env = Readonly<Record<string, string | undefined>>;

export interface TracingSettings {
  readonly enabled: boolean;
  /** Why tracing is on or off, for the start-up line. */
  readonly reason: string;
  /** OTLP/gRPC endpoint; undefined lets the exporter use its default (http://localhost:4317). */
  readonly endpoint: string | undefined;
}

/**
 * Tracing runs only when the standard OTEL_* variables ask for an exporter: an OTLP endpoint is set,
 * or OTEL_TRACES_EXPORTER names `otlp`. OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn it
 * off. Without either there is no SDK, no span object and no network traffic at all.
 */
export function tracingSettings(env: Env): TracingSettings {
  const endpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const off = (reason: string): TracingSettings => ({ enabled: false, reason, endpoint });
  if (nonEmpty(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return off('OTEL_SDK_DISABLED=true');
  const exporters = nonEmpty(env.OTEL_TRACES_EXPORTER)?.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name.length > 0);
  if (exporters !== undefined && exporters.length > 0) {
    if (exporters.includes('none')) return off('OTEL_TRACES_EXPORTER=none');
    if (!exporters.includes('otlp')) return off(`OTEL_TRACES_EXPORTER=${exporters.join(',')} is not supported (only otlp over gRPC)`);
    return { enabled: true, reason: 'OTEL_TRACES_EXPORTER=otlp', endpoint };
  }
  if (endpoint !== undefined) return { enabled: true, reason: 'OTLP endpoint set', endpoint };
  return off('no OTEL exporter configured');
}

/** A running trace pipeline. */
export interface Tracing {
  readonly spans: SpanRecorder;
  shutdown(): Promise<void>;
}

export interface TracingOptions extends Omit<SpanRecorderOptions, 'tracer' | 'timings'> {
  /** service.name; undefined leaves it to OTEL_SERVICE_NAME. */
  readonly serviceName: string | undefined;
}

/**
 * Starts the OpenTelemetry Node SDK with the OTLP/gRPC exporter. Imported lazily: the SDK costs
 * ~0.5 s and ~50 MB to load, which a gateway without tracing never pays.
 *
 * We hand the SDK its exporter and empty metric and log pipelines: left to its defaults, sdk-node
 * would also push OTLP metrics and logs (http/protobuf to localhost), and pick http/protobuf for
 * traces, where the contract says gRPC. It still reads the other standard knobs from the process
 * environment (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_BSP_*,
 * OTEL_EXPORTER_OTLP_HEADERS...), which is the environment main.ts passed in.
 */
export async function startTracing(settings: TracingSettings, options: TracingOptions): Promise<Tracing> {
  const [{ NodeSDK }, { OTLPTraceExporter }, api, { SpanRecorder }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-grpc'),
    import('@opentelemetry/api'),
    import('./request-trace.js'),
  ]);
  const exporter = new OTLPTraceExporter(settings.endpoint === undefined ? {} : { url: settings.endpoint });
  const sdk = new NodeSDK({
    ...(options.serviceName === undefined ? {} : { serviceName: options.serviceName }),
    traceExporter: exporter,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    // Parents are passed explicitly and traceparent is parsed per request: no global propagator.
    textMapPropagator: null,
  });
  sdk.start();
  const timings = new UndiciTimings();
  timings.subscribe();
  const spans = new SpanRecorder({ ...options, tracer: api.trace.getTracer('breakwater'), timings });
  return {
    spans,
    async shutdown() {
      timings.unsubscribe();
      await sdk.shutdown();
      // Lets a later app in the same process (tests) register its own provider.
      api.trace.disable();
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
