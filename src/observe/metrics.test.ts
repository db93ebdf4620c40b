import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../pipeline/context.js';
import { testContext } from '../../test/helpers/context.ts';
import { Metrics } from './metrics.js';
import { ModelLabels } from './model-labels.js';

function finishedChat(model: string): RequestContext {
  const ctx = testContext();
  ctx.principal = { name: 'team-a', limits: {}, admin: false };
  ctx.request = { json: {}, model, stream: false, clientAskedUsage: false, maxTokens: undefined, choices: 1, temperature: undefined };
  Object.assign(ctx.upstream, { name: 'openai', model, attempts: 1, waitedMs: 200 });
  Object.assign(ctx.reply, { status: 200, committed: true });
  ctx.stream.firstByteMs = 50;
  ctx.usage = { input: 10, cachedInput: 0, cacheWrite: 0, output: 5, reasoning: 0, source: 'provider' };
  ctx.costUsd = 0.001;
  return ctx;
}

function metrics(): Metrics {
  return new Metrics({ upstreams: ['openai'], models: new ModelLabels(['gpt-4o']), defaultMetrics: false });
}

describe('Metrics', () => {
  it('renders Prometheus text by default and OpenMetrics when the Accept header asks for it', async () => {
    const m = metrics();
    m.requestFinished(finishedChat('gpt-4o'), 0.25, 'a'.repeat(32));
    const plain = await m.render('text/plain');
    expect(plain.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(plain.body).toContain('breakwater_requests_total{route="chat",model="gpt-4o",upstream="openai",status_code="200",error_type=""} 1');
    expect(plain.body).not.toContain('trace_id');
    const open = await m.render('application/openmetrics-text; version=1.0.0');
    expect(open.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(open.body).toMatch(/breakwater_request_duration_seconds_bucket\{le="0\.25",route="chat",model="gpt-4o",upstream="openai",stream="false"\} 1 # \{trace_id="a{32}"\} 0\.25 \d/);
    expect(open.body.endsWith('# EOF\n')).toBe(true);
  });

  it('keeps counter names across alternating formats, even when both are rendered at once', async () => {
    const m = metrics();
    m.retryScheduled('openai', 'timeout');
    const [a, b, c] = await Promise.all([m.render(undefined), m.render('application/openmetrics-text'), m.render(undefined)]);
    expect(a.body).toContain('# TYPE breakwater_retries_total counter');
    expect(b.body).toContain('# TYPE breakwater_retries counter');
    expect(b.body).toContain('breakwater_retries_total{upstream="openai",reason="timeout"} 1');
    expect(c.body).toBe(a.body);
  });

  it('collapses models outside the bounded set to other', async () => {
    const m = metrics();
    m.requestFinished(finishedChat('made-up-model-123'), 1, undefined);
    const { body } = await m.render(undefined);
    expect(body).not.toContain('made-up-model-123');
    expect(body).toContain('breakwater_tokens_total{model="other",upstream="openai",key="team-a",type="input",usage_source="provider"} 10');
  });

  it('computes overhead as total minus upstream time, never below zero', async () => {
    const m = metrics();
    m.requestFinished(finishedChat('gpt-4o'), 0.2005, undefined);
    const { body } = await m.render(undefined);
    const sum = Number(/breakwater_gateway_overhead_seconds_sum\{route="chat"\} (\S+)/.exec(body)?.[1]);
    expect(sum).toBeCloseTo(0.0005, 9);
    const fast = metrics();
    fast.requestFinished(finishedChat('gpt-4o'), 0.1, undefined);
    expect((await fast.render(undefined)).body).toContain('breakwater_gateway_overhead_seconds_sum{route="chat"} 0\n');
  });

  it('starts circuit and in-flight gauges at 0 and the state store at up', async () => {
    const m = metrics();
    const { body } = await m.render(undefined);
    expect(body).toContain('breakwater_circuit_state{upstream="openai"} 0');
    expect(body).toContain('breakwater_inflight_requests{upstream="openai"} 0');
    expect(body).toContain('breakwater_state_store_up 1');
    m.circuitChanged('openai', 'half_open');
    m.stateStoreUp(false);
    const after = (await m.render(undefined)).body;
    expect(after).toContain('breakwater_circuit_state{upstream="openai"} 1');
    expect(after).toContain('breakwater_state_store_up 0');
  });

  it('ignores an unparseable upstream rate-limit header value', async () => {
    const m = metrics();
    m.upstreamRateLimitRemaining('openai', 'tokens', Number('n/a'));
    m.upstreamRateLimitRemaining('openai', 'requests', 7);
    const { body } = await m.render(undefined);
    expect(body).toContain('breakwater_upstream_ratelimit_remaining{upstream="openai",resource="requests"} 7');
    expect(body).not.toContain('resource="tokens"');
  });
});
