import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/pipeline/context.ts';
import { testContext } from '../helpers/context.ts';
import { Metrics } from '../../src/observe/metrics.ts';
import { ModelLabels } from '../../src/observe/model-labels.ts';

/** A finished request for one label combination. */
function request(model: string, upstream: string, key: string, stream: boolean): RequestContext {
  const ctx = testContext();
  ctx.principal = { name: key, limits: {}, admin: false };
  ctx.request = { json: {}, model, stream, clientAskedUsage: false, maxTokens: undefined, choices: 1, temperature: undefined };
  Object.assign(ctx.upstream, { name: upstream, model, attempts: 1, waitedMs: 100 });
  Object.assign(ctx.reply, { status: 200, committed: true });
  Object.assign(ctx.stream, { firstByteMs: 40, outcome: stream ? 'completed' : undefined });
  ctx.usage = { input: 10, cachedInput: 2, cacheWrite: 0, output: 5, reasoning: 1, source: 'provider' };
  ctx.costUsd = 0.0001;
  return ctx;
}

async function timeRender(metrics: Metrics, accept: string | undefined): Promise<{ ms: number; bytes: number }> {
  await metrics.render(accept); // warm-up
  const started = performance.now();
  const runs = 5;
  let bytes = 0;
  for (let i = 0; i < runs; i++) bytes = (await metrics.render(accept)).body.length;
  return { ms: (performance.now() - started) / runs, bytes };
}

describe('when /metrics holds many label sets, then rendering stays cheap (measured, printed, not asserted on time)', () => {
  it.each([
    // models x upstreams x keys: request-side series grow with models x upstreams, token series with x keys too
    [10, 2, 5],
    [40, 3, 10],
    [100, 4, 20],
  ])('%i models x %i upstreams x %i keys', async (models, upstreams, keys) => {
    const names = Array.from({ length: models }, (_, i) => `model-${i}`);
    const upstreamNames = Array.from({ length: upstreams }, (_, i) => `up-${i}`);
    const metrics = new Metrics({ upstreams: upstreamNames, models: new ModelLabels(names), defaultMetrics: true });
    for (const model of names) for (const upstream of upstreamNames) for (let k = 0; k < keys; k++) for (const stream of [false, true]) {
      metrics.requestFinished(request(model, upstream, `key-${k}`, stream), 1.5, 'a'.repeat(32));
    }
    const text = await timeRender(metrics, undefined);
    const open = await timeRender(metrics, 'application/openmetrics-text');
    const lines = (await metrics.render(undefined)).body.split('\n').length;
    console.log(`render ${models} models x ${upstreams} upstreams x ${keys} keys: ${lines} lines, text ${text.ms.toFixed(1)} ms (${(text.bytes / 1024).toFixed(0)} KiB), openmetrics ${open.ms.toFixed(1)} ms (${(open.bytes / 1024).toFixed(0)} KiB)`);
    expect(lines).toBeGreaterThan(models * upstreams * 20);
  }, 120_000);
});
