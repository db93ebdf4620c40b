import OpenAI from 'openai';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, labelSets, parseSamples, scrape, startStack, type Stack } from './observe-helpers.ts';

/** The contract's metric table, plus the gauges dashboards read. */
const CONTRACT: Record<string, { type: string; labels: string[] }> = {
  breakwater_requests_total: { type: 'counter', labels: ['route', 'model', 'upstream', 'status_code', 'error_type'] },
  breakwater_request_duration_seconds: { type: 'histogram', labels: ['route', 'model', 'upstream', 'stream'] },
  breakwater_time_to_first_token_seconds: { type: 'histogram', labels: ['model', 'upstream'] },
  breakwater_gateway_overhead_seconds: { type: 'histogram', labels: ['route'] },
  breakwater_upstream_attempts_total: { type: 'counter', labels: ['upstream', 'outcome'] },
  breakwater_retries_total: { type: 'counter', labels: ['upstream', 'reason'] },
  breakwater_fallbacks_total: { type: 'counter', labels: ['from_upstream', 'to_upstream', 'reason'] },
  breakwater_circuit_state: { type: 'gauge', labels: ['upstream'] },
  breakwater_tokens_total: { type: 'counter', labels: ['model', 'upstream', 'key', 'type', 'usage_source'] },
  breakwater_cost_usd_total: { type: 'counter', labels: ['model', 'upstream', 'key', 'usage_source'] },
  breakwater_stream_outcomes_total: { type: 'counter', labels: ['model', 'upstream', 'outcome'] },
  breakwater_ratelimit_rejections_total: { type: 'counter', labels: ['key', 'limit'] },
  breakwater_queue_depth: { type: 'gauge', labels: ['key'] },
  breakwater_queue_wait_seconds: { type: 'histogram', labels: ['key'] },
  breakwater_unpriced_requests_total: { type: 'counter', labels: ['model'] },
  breakwater_inflight_requests: { type: 'gauge', labels: ['upstream'] },
  breakwater_budget_spent_usd: { type: 'gauge', labels: ['key'] },
  breakwater_budget_limit_usd: { type: 'gauge', labels: ['key'] },
  breakwater_upstream_ratelimit_remaining: { type: 'gauge', labels: ['upstream', 'resource'] },
  breakwater_state_store_up: { type: 'gauge', labels: [] },
  breakwater_route_selections_total: { type: 'counter', labels: ['route', 'upstream'] },
  breakwater_policy_actions_total: { type: 'counter', labels: ['route', 'action'] },
  breakwater_cache_requests_total: { type: 'counter', labels: ['route', 'result'] },
  breakwater_cache_saved_usd_total: { type: 'counter', labels: ['key', 'model'] },
};

describe('when traffic of every kind passes, then /metrics has every contract metric with exactly its labels and bounded values', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('exposes the table, collapses unknown models to other and never leaks key material', async () => {
    stack.fake.script('limits', [{ headers: { 'x-ratelimit-remaining-requests': '99', 'x-ratelimit-remaining-tokens': '5000' } }]);
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fake-scenario': 'limits' } });
    const stream = await client.chat.completions.create({ model: 'a-model-nobody-configured', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    for await (const _chunk of stream) {
      // drain
    }
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, { headers: { 'x-fake-status': '400' } }).catch(() => undefined);
    await client.models.list();
    await (await request(`${stack.gw.baseURL}/files`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } })).body.text();
    await waitForAccessLines(stack.gw, 5);

    const { text, contentType } = await scrape(stack.gw);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const [name, spec] of Object.entries(CONTRACT)) {
      expect(text, name).toContain(`# TYPE ${name} ${spec.type}`);
    }
    const samples = parseSamples(text);
    for (const [name, spec] of Object.entries(CONTRACT)) {
      const series = spec.type === 'histogram' ? `${name}_count` : name;
      for (const labels of labelSets(samples, series)) expect(Object.keys(labels).sort(), series).toEqual([...spec.labels].sort());
    }

    const requests = labelSets(samples, 'breakwater_requests_total');
    expect(requests).toEqual(expect.arrayContaining([
      { route: 'chat', model: 'gpt-4o-mini', upstream: 'fake', status_code: '200', error_type: '' },
      { route: 'chat', model: 'other', upstream: 'fake', status_code: '200', error_type: '' },
      { route: 'chat', model: 'gpt-4o-mini', upstream: 'fake', status_code: '400', error_type: 'invalid_request' },
      { route: 'models', model: '', upstream: 'fake', status_code: '200', error_type: '' },
      { route: 'passthrough', model: '', upstream: 'fake', status_code: '200', error_type: '' },
    ]));
    expect(labelSets(samples, 'breakwater_request_duration_seconds_count')).toEqual(expect.arrayContaining([
      { route: 'chat', model: 'other', upstream: 'fake', stream: 'true' },
      { route: 'chat', model: 'gpt-4o-mini', upstream: 'fake', stream: 'false' },
    ]));
    expect(labelSets(samples, 'breakwater_gateway_overhead_seconds_count')).toEqual(expect.arrayContaining([{ route: 'chat' }, { route: 'models' }, { route: 'passthrough' }]));
    expect(samples.filter((s) => s.name === 'breakwater_circuit_state')).toEqual([{ name: 'breakwater_circuit_state', labels: { upstream: 'fake' }, value: 0 }]);
    expect(samples.filter((s) => s.name === 'breakwater_state_store_up')).toEqual([{ name: 'breakwater_state_store_up', labels: {}, value: 1 }]);
    expect(samples.filter((s) => s.name === 'breakwater_upstream_ratelimit_remaining').map((s) => [s.labels.resource, s.value])).toEqual(expect.arrayContaining([['requests', 99], ['tokens', 5000]]));
    // No model name a client invented, no key material.
    expect(text).not.toContain('a-model-nobody-configured');
    expect(text).not.toContain(CLIENT_KEY);
    // prom-client's process metrics are there too.
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
