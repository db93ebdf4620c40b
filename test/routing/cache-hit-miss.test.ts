import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a route caches and the same call comes twice', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: upstreamsOf({ fake }), routes: [{ match: 'gpt-*', targets: [{ upstream: 'fake' }], cache: { ttlSeconds: 60 } }] });
  });

  it('then the first is a miss, the second a hit replayed without the upstream, costing nothing and counted as saved', async () => {
    const first = await call(gw);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-breakwater-cache')).toBe('miss');
    await waitForAccessLines(gw, 1);
    const tokens = await metric(gw, 'breakwater_tokens_total');
    const cost = await metric(gw, 'breakwater_cost_usd_total');
    expect(cost).toBeGreaterThan(0);

    const second = await call(gw);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-breakwater-cache')).toBe('hit');
    expect(second.text).toBe(first.text);
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(second.headers.get('x-breakwater-attempts')).toBe('0');
    expect(second.headers.get('x-breakwater-upstream')).toBeNull();
    expect(chats(fake)).toBe(1);

    const lines = await waitForAccessLines(gw, 2);
    expect(lines[1]).toMatchObject({ status: 200, cache: 'hit', cache_saved_usd: cost, attempts: 0 });
    expect(lines[1]!.tokens).toBeUndefined();
    expect(lines[1]!.cost_usd).toBeUndefined();
    expect(await metric(gw, 'breakwater_tokens_total')).toBe(tokens);
    expect(await metric(gw, 'breakwater_cost_usd_total')).toBe(cost);
    expect(await metric(gw, 'breakwater_cache_requests_total', { route: 'gpt-*', result: 'miss' })).toBe(1);
    expect(await metric(gw, 'breakwater_cache_requests_total', { route: 'gpt-*', result: 'hit' })).toBe(1);
    expect(await metric(gw, 'breakwater_cache_saved_usd_total', { key: 'anonymous', model: 'gpt-4o-mini' })).toBe(cost);
  });

  it('then the same body in another key order and spacing is the same call', async () => {
    const reordered = await call(gw, { raw: '{\n  "messages": [ { "content": "hi", "role": "user" } ],\n  "model": "gpt-4o-mini"\n}' });
    expect(reordered.headers.get('x-breakwater-cache')).toBe('hit');
    expect(chats(fake)).toBe(1);
  });

  it('then another body is a miss', async () => {
    const other = await call(gw, { body: { messages: [{ role: 'user', content: 'hello' }] } });
    expect(other.headers.get('x-breakwater-cache')).toBe('miss');
    expect(chats(fake)).toBe(2);
  });
});
