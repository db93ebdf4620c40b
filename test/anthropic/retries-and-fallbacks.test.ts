import { beforeAll, describe, expect, it } from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { circuitStates } from '../resilience/harness.ts';
import { accessLineOf, anthropicSdk, MESSAGES, MODEL, parseSamples, scrape, valueOf, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when an anthropic upstream is overloaded or rate limited, then the gateway retries, opens its circuit and falls back among anthropic upstreams', () => {
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let gw: RunningGateway;
  let client: Anthropic;
  const base = { model: MODEL, max_tokens: 64, messages: MESSAGES };
  beforeAll(async () => {
    primary = await fakeUpstream();
    backup = await fakeUpstream();
    gw = await gatewayProcess({
      config: {
        upstreams: [
          { name: 'primary', api: 'anthropic', baseUrl: primary.baseUrl, apiKey: 'sk-ant-primary-key', breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } },
          { name: 'backup', api: 'anthropic', baseUrl: backup.baseUrl, apiKey: 'sk-ant-backup-key' },
        ],
        routes: [
          { match: 'claude-*', targets: [{ upstream: 'primary' }, { upstream: 'backup' }] },
          { match: 'solo-*', targets: [{ upstream: 'backup' }] },
          { match: 'long-*', targets: [{ upstream: 'backup' }, { upstream: 'backup', model: 'long-model-1m' }] },
        ],
        retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 2_000, budgetRatio: 1 },
      },
    });
    client = anthropicSdk(gw);
    primary.script('overloaded', [{ status: 529 }]);
  });

  it('then a 529 overloaded_error is retried like a 503, before the stream commits', async () => {
    backup.script('529-once', [{ status: 529 }, { chunks: 2 }]);
    const { data, response } = await client.messages.create({ ...base, model: 'solo-model', stream: true }, { headers: { 'x-fake-scenario': '529-once' } }).withResponse();
    const text: string[] = [];
    for await (const event of data) if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text.push(event.delta.text);
    expect(text.join('')).toBe('tok0 tok1 ');
    expect(response.headers.get('x-breakwater-attempts')).toBe('2');
    expect(await accessLineOf(gw, response.headers.get('x-request-id'))).toMatchObject({ status: 200, attempts: 2, stream_outcome: 'completed' });
  });

  it('then a 429 with retry-after is retried after the wait it names', async () => {
    backup.script('429-once', [{ status: 429, retryAfterMs: 300 }, {}]);
    const started = performance.now();
    const { data, response } = await client.messages.create({ ...base, model: 'solo-model' }, { headers: { 'x-fake-scenario': '429-once' } }).withResponse();
    expect(data.content).toEqual([{ type: 'text', text: 'Hello from fake upstream' }]);
    expect(response.headers.get('x-breakwater-attempts')).toBe('2');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('then a primary that keeps answering 529 trips its breaker and the backup serves every call', async () => {
    const served: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const { data, response } = await client.messages.create(base, { headers: { 'x-fake-scenario': 'overloaded' } }).withResponse();
      expect(data.type).toBe('message');
      served.push(response.headers.get('x-breakwater-upstream'));
    }
    expect(served).toEqual(['backup', 'backup', 'backup']);
    // retries on the primary until its circuit opened; after that it sees no traffic
    const seen = primary.requests.length;
    await client.messages.create(base, { headers: { 'x-fake-scenario': 'overloaded' } });
    expect(primary.requests).toHaveLength(seen);
    expect(await circuitStates(gw)).toMatchObject({ primary: 'open', backup: 'closed' });
    expect(primary.requests.every((request) => request.headers['x-api-key'] === 'sk-ant-primary-key')).toBe(true);
    expect(backup.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-backup-key');
    const samples = parseSamples((await scrape(gw)).text);
    expect(valueOf(samples, 'breakwater_retries_total', { upstream: 'primary', reason: 'upstream_5xx' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'breakwater_fallbacks_total', { from_upstream: 'primary', to_upstream: 'backup', reason: 'upstream_5xx' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'breakwater_fallbacks_total', { from_upstream: 'primary', to_upstream: 'backup', reason: 'circuit_open' })).toBeGreaterThan(0);
  });

  it('then a prompt too long for the model falls back to the larger-context target, as context_length_exceeded does', async () => {
    const tooLong = JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 215000 tokens > 200000 maximum' } });
    backup.script('too-long-once', [{ status: 400, body: tooLong }, {}]);
    const { data, response } = await client.messages.create({ ...base, model: 'long-model' }, { headers: { 'x-fake-scenario': 'too-long-once' } }).withResponse();
    expect(data.model).toBe('long-model-1m');
    expect(response.headers.get('x-breakwater-attempts')).toBe('2');
    const samples = parseSamples((await scrape(gw)).text);
    expect(valueOf(samples, 'breakwater_fallbacks_total', { from_upstream: 'backup', to_upstream: 'backup', reason: 'context_length' })).toBe(1);
  });
});
