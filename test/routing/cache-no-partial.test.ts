import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

/*
 * The steering headers reach the fake but are no part of the cache key (headers never are): a
 * failed call and a good one with the same body share an entry, so a failure that were stored
 * would be replayed to the good one.
 */
describe('when an answer to a caching route is cut, failed or too large', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      routes: [
        { match: 'gpt-4o', targets: [{ upstream: 'fake' }], cache: { maxEntryBytes: 200 } },
        { match: 'gpt-*', targets: [{ upstream: 'fake' }], cache: {} },
      ],
      retry: { maxAttempts: 1 },
    });
  });

  it('then a stream cut before its terminal event is not stored', async () => {
    const cut = await call(gw, { body: { stream: true, messages: [{ role: 'user', content: 'cut' }] }, headers: { 'x-fake-truncate': '1' } });
    expect(cut.status).toBe(200);
    expect(cut.text).not.toContain('[DONE]');
    const again = await call(gw, { body: { stream: true, messages: [{ role: 'user', content: 'cut' }] } });
    expect(again.headers.get('x-breakwater-cache')).toBe('miss');
    expect(again.text).toContain('data: [DONE]');
    expect((await call(gw, { body: { stream: true, messages: [{ role: 'user', content: 'cut' }] } })).headers.get('x-breakwater-cache')).toBe('hit');
  });

  it('then an upstream error or a body cut mid-way is not stored', async () => {
    const body = { messages: [{ role: 'user', content: 'fail' }] };
    expect((await call(gw, { body, headers: { 'x-fake-status': '500' } })).status).toBe(500);
    expect((await call(gw, { body, headers: { 'x-fake-status': '429' } })).status).toBe(429);
    await expect(call(gw, { body, headers: { 'x-fake-reset': 'after-chunks:1' } })).rejects.toThrow();
    const calls = chats(fake);
    const good = await call(gw, { body });
    expect(good.status).toBe(200);
    expect(good.headers.get('x-breakwater-cache')).toBe('miss');
    expect(chats(fake)).toBe(calls + 1);
  });

  it('then an answer over maxEntryBytes is served but not stored', async () => {
    const big = await call(gw, { body: { model: 'gpt-4o' } });
    expect(big.status).toBe(200);
    expect(big.text.length).toBeGreaterThan(200);
    expect((await call(gw, { body: { model: 'gpt-4o' } })).headers.get('x-breakwater-cache')).toBe('miss');
  });
});
