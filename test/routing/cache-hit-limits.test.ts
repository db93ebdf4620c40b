import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, hashKey, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

const KEY = 'sk-team-limited-cache';

describe('when a limited key gets cache hits', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      routes: [{ match: 'gpt-*', targets: [{ upstream: 'fake' }], cache: {} }],
      keys: [{ name: 'team', hash: hashKey(KEY), limits: { rpm: 3, tpm: 10_000 } }],
    });
  });

  it('then each hit counts as a request, and gives back the tokens it reserved', async () => {
    expect((await call(gw, { key: KEY })).headers.get('x-breakwater-cache')).toBe('miss');
    const hits = [await call(gw, { key: KEY }), await call(gw, { key: KEY })];
    expect(hits.map((hit) => hit.headers.get('x-breakwater-cache'))).toEqual(['hit', 'hit']);
    // Both hits see the same tokens left: the first one's reservation came back in full.
    expect(hits[1]!.headers.get('x-ratelimit-remaining-tokens')).toBe(hits[0]!.headers.get('x-ratelimit-remaining-tokens'));
    expect(hits.map((hit) => hit.headers.get('x-ratelimit-remaining-requests'))).toEqual(['1', '0']);
    const refused = await call(gw, { key: KEY });
    expect(refused.status).toBe(429);
    expect(chats(fake)).toBe(1);
  });
});
