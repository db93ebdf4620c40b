import { describe, expect, it } from 'vitest';
import { tracingSettings } from './tracing.js';

describe('tracingSettings', () => {
  it.each([
    [{}, false, 'no OTEL exporter configured'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' }, true, 'OTLP endpoint set'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4317' }, true, 'OTLP endpoint set'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }, false, 'no OTEL exporter configured'],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true, 'OTEL_TRACES_EXPORTER=otlp'],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' }, false, 'OTEL_TRACES_EXPORTER=none'],
    [{ OTEL_TRACES_EXPORTER: 'console' }, false, 'OTEL_TRACES_EXPORTER=console is not supported (only otlp over gRPC)'],
    [{ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'otlp' }, false, 'OTEL_SDK_DISABLED=true'],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317' }, true, 'OTLP endpoint set'],
  ])('%j -> enabled %s', (env, enabled, reason) => {
    expect(tracingSettings(env)).toMatchObject({ enabled, reason });
  });

  it('prefers the traces-specific endpoint', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4317', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4317' }).endpoint).toBe('http://b:4317');
  });
});
