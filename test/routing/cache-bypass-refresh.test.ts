import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const idOf = (text: string): string => (JSON.parse(text) as { id: string }).id;

describe('when a call to a caching route says x-breakwater-cache: bypass or refresh', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: upstreamsOf({ fake }), routes: [{ match: 'gpt-*', targets: [{ upstream: 'fake' }], cache: {} }] });
  });

  it('then bypass neither reads nor stores, and refresh asks the upstream and stores its answer (answered miss)', async () => {
    const stored = idOf((await call(gw)).text);

    const bypassed = await call(gw, { headers: { 'x-breakwater-cache': 'bypass' } });
    expect(bypassed.headers.get('x-breakwater-cache')).toBe('bypass');
    expect(idOf(bypassed.text)).not.toBe(stored);
    expect(chats(fake)).toBe(2);
    // The bypassed answer was not stored: the first one still is.
    expect(idOf((await call(gw)).text)).toBe(stored);

    const refreshed = await call(gw, { headers: { 'x-breakwater-cache': 'refresh' } });
    expect(refreshed.headers.get('x-breakwater-cache')).toBe('miss');
    expect(chats(fake)).toBe(3);
    const hit = await call(gw);
    expect(hit.headers.get('x-breakwater-cache')).toBe('hit');
    expect(idOf(hit.text)).toBe(idOf(refreshed.text));
    expect(chats(fake)).toBe(3);

    await waitForAccessLines(gw, 5);
    expect(await metric(gw, 'breakwater_cache_requests_total', { result: 'bypass' })).toBe(1);
    expect(await metric(gw, 'breakwater_cache_requests_total', { result: 'miss' })).toBe(2);
    expect(await metric(gw, 'breakwater_cache_requests_total', { result: 'hit' })).toBe(2);
  });

  it('then any other value is a 400 that names the two', async () => {
    const answer = await call(gw, { headers: { 'x-breakwater-cache': 'off' } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'bad_request', message: 'x-breakwater-cache must be "bypass" or "refresh"' } });
  });
});
