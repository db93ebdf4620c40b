import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, logsWith, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const PRICING = { models: { 'budget-model': { input: 1_000, output: 1_000 } } };

/** mystery-* are sent as asked (no price); `alias` is renamed to a priced model; `gpt-4o` (priced) is renamed to one without a price. */
function routes(fake: FakeUpstream): Record<string, unknown> {
  return {
    routes: [
      { match: 'mystery-*', targets: [{ upstream: 'fake' }] },
      { match: 'alias', targets: [{ upstream: 'fake', model: 'budget-model' }] },
      { match: 'gpt-4o', targets: [{ upstream: 'fake', model: 'local-llama' }] },
      { match: 'with-unpriced-fallback', targets: [{ upstream: 'fake', model: 'budget-model' }, { upstream: 'fake', model: 'local-llama' }] },
    ],
    pricing: PRICING,
    telemetry: { modelLabels: ['mystery-1'] },
    upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream', breaker: { volumeThreshold: 1_000 } }],
  };
}

async function unpricedSeries(gw: RunningGateway): Promise<Record<string, number>> {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^breakwater_unpriced_requests_total\{model="([^"]*)"\} (\S+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

describe('when calls go to models without a price (pricing.onUnpriced: allow, the default)', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a' }], routes(fake)));
  });

  it('then they are served, counted per bounded model label, and each model is logged once', async () => {
    for (const model of ['mystery-1', 'mystery-1', 'mystery-2', 'alias', 'gpt-4o']) {
      expect((await chat(gw, 'sk-team-a', {}, { model })).status).toBe(200);
    }
    await waitForAccessLines(gw, 5);
    // mystery-2 is outside the bounded label set; gpt-4o was asked of the upstream as local-llama.
    expect(await unpricedSeries(gw)).toEqual({ 'mystery-1': 2, other: 1, 'local-llama': 1 });
    const warnings = logsWith(gw, 'model without a price');
    expect(warnings.map((w) => w.model).sort()).toEqual(['local-llama', 'mystery-1', 'mystery-2']);
    expect(warnings.every((w) => w.level === 'warn')).toBe(true);
  });
});

describe('when calls go to models without a price under pricing.onUnpriced: reject', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    const config = routes(fake);
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { rpm: 2 } }], { ...config, pricing: { ...PRICING, onUnpriced: 'reject' } }));
  });

  it('then they are refused with 403 model_not_priced before any upstream call, judged by the routed target, at no cost to the key', async () => {
    for (const model of ['mystery-1', 'gpt-4o', 'with-unpriced-fallback']) {
      const answer = await chat(gw, 'sk-team-a', {}, { model });
      expect(answer.status).toBe(403);
      expect(answer.json.error).toMatchObject({ code: 'model_not_priced', type: 'invalid_request_error', param: 'model' });
      expect(answer.json.error?.message).toContain(model);
      expect(answer.json.error?.message).not.toContain('local-llama');
      expect(answer.headers.get('x-breakwater-error')).toBe('policy');
    }
    expect(fake.requests).toHaveLength(0);
    // `alias` is not priced by name, but its target is; the refusals above took nothing from rpm 2.
    expect((await chat(gw, 'sk-team-a', {}, { model: 'alias' })).status).toBe(200);
    expect((await chat(gw, 'sk-team-a', {}, { model: 'alias' })).status).toBe(200);
    expect(fake.requests.map((r) => (r.json as { model: string }).model)).toEqual(['budget-model', 'budget-model']);
    expect(await unpricedSeries(gw)).toEqual({});
  });
});
