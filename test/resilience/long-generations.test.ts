import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, QUIET_BREAKER, circuitStates, fakeUpstream, gateway, rawChat, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when an answer takes longer than firstByteMs to generate', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER, timeouts: { firstByteMs: 300 } }],
      routes: [
        { match: 'o-slow-*', targets: [{ upstream: 'a' }], timeouts: { nonStreamFirstByteMs: 400 } },
        { match: 'tight-*', targets: [{ upstream: 'a' }], timeouts: { totalMs: 300 } },
        { match: '*', targets: [{ upstream: 'a' }] },
      ],
      retry: { ...FAST_RETRY, maxAttempts: 1 },
    });
  });

  it('then a non-stream answer (whose headers come only when it is done) is not cut by firstByteMs', async () => {
    const answer = await rawChat(gw, { 'x-fake-delay-ms': '900' });
    expect(answer.status).toBe(200);
  });

  it('then a streamed call whose headers do not come within firstByteMs is cut (504)', async () => {
    const answer = await rawChat(gw, { 'x-fake-delay-ms': '900' }, { stream: true });
    expect(answer.status).toBe(504);
    expect(answer.headers.get('x-breakwater-error')).toBe('timeout');
  });

  it('then a route can set a non-stream first-byte deadline, and a total deadline, of its own', async () => {
    expect((await rawChat(gw, { 'x-fake-delay-ms': '900' }, { model: 'o-slow-1' })).status).toBe(504);
    expect((await rawChat(gw, { 'x-fake-delay-ms': '100' }, { model: 'o-slow-1' })).status).toBe(200);
    const tight = await rawChat(gw, { 'x-fake-delay-ms': '900' }, { model: 'tight-1', stream: true, max_tokens: 5 });
    expect(tight.status).toBe(504);
    expect(tight.elapsedMs).toBeLessThan(800);
  });
});

describe('when one tenant\'s non-stream generations keep timing out', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    const breaker = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 };
    gw = await gateway({
      upstreams: [
        { name: 'slow-tenant', baseUrl: fake.baseUrl, breaker, timeouts: { firstByteMs: 200, nonStreamFirstByteMs: 200 } },
        { name: 'hung', baseUrl: fake.baseUrl, breaker, timeouts: { firstByteMs: 200 } },
      ],
      routes: [{ match: 'hung-*', targets: [{ upstream: 'hung' }] }, { match: '*', targets: [{ upstream: 'slow-tenant' }] }],
      retry: { ...FAST_RETRY, maxAttempts: 1 },
    });
  });

  it('then the breaker stays closed for everyone (their wait says nothing about the upstream)', async () => {
    for (let i = 0; i < 6; i++) expect((await rawChat(gw, { 'x-fake-delay-ms': '600' })).status).toBe(504);
    expect((await circuitStates(gw))['slow-tenant']).toBe('closed');
    expect((await rawChat(gw, {})).status).toBe(200);
  });

  it('then streamed calls that get no headers do open it: that upstream is hung', async () => {
    for (let i = 0; i < 4; i++) await rawChat(gw, { 'x-fake-delay-ms': '600' }, { model: 'hung-1', stream: true });
    expect((await circuitStates(gw)).hung).toBe('open');
  });
});
