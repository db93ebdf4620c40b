import { describe, expect, it } from 'vitest';
import { durationMs, UpstreamLoad } from './upstream-load.js';

describe('UpstreamLoad', () => {
  it('when attempts start and finish, then in-flight counts follow and never go below 0', () => {
    const load = new UpstreamLoad();
    load.attemptStarted('a');
    load.attemptStarted('a');
    load.attemptFinished('a');
    expect(load.inflight('a')).toBe(1);
    load.attemptFinished('a');
    load.attemptFinished('a');
    expect(load.inflight('a')).toBe(0);
    expect(load.inflight('never')).toBe(0);
  });

  it('when an answer says no requests remain, then the upstream is exhausted until the reset it names', () => {
    const load = new UpstreamLoad();
    load.rateLimits('a', { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-remaining-tokens': '900' }, 1_000);
    expect(load.exhausted('a', 1_000)).toBe(true);
    // A reset further out than a minute is not believed past it.
    expect(load.exhausted('a', 60_999)).toBe(true);
    expect(load.exhausted('a', 61_000)).toBe(false);
  });

  it('when no reset header comes, then five seconds; when quota shows again, then at once healthy', () => {
    const load = new UpstreamLoad();
    load.rateLimits('a', { 'x-ratelimit-remaining-tokens': '0' }, 0);
    expect(load.exhausted('a', 4_999)).toBe(true);
    expect(load.exhausted('a', 5_000)).toBe(false);
    load.rateLimits('a', { 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '20s' }, 0);
    load.rateLimits('a', { 'x-ratelimit-remaining-tokens': '10' }, 1);
    expect(load.exhausted('a', 2)).toBe(false);
  });

  it('when an answer has no rate-limit headers, then nothing changes', () => {
    const load = new UpstreamLoad();
    load.rateLimits('a', { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' }, 0);
    load.rateLimits('a', { 'content-type': 'application/json' }, 1);
    expect(load.exhausted('a', 1_000)).toBe(true);
  });
});

describe('durationMs', () => {
  it.each([['1s', 1_000], ['6m0s', 360_000], ['20ms', 20], ['1h2m3.5s', 3_723_500], ['2.5', 2_500], ['1m30ms', 60_030], ['soon', undefined], ['', undefined]])('%s is %s ms', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });
});
