import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, QUIET_BREAKER, fakeUpstream, gateway, rawChat, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream asks to wait longer than the request has left', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    // maxDelayMs allows a 30 s hint; only the 10 s total deadline forbids waiting for it.
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER, timeouts: { totalMs: 10_000 } }],
      retry: { ...FAST_RETRY, maxDelayMs: 60_000 },
    });
    fake.script('long-hint', [{ status: 429, retryAfter: '30' }, { status: 200 }]);
  });

  it('then the gateway does not wait: the client gets the 429 with its Retry-After at once', async () => {
    const answer = await rawChat(gw, { 'x-fake-scenario': 'long-hint' });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('30');
    expect(answer.headers.get('x-breakwater-error')).toBe('rate_limited');
    expect(answer.headers.get('x-breakwater-attempts')).toBe('1');
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    // Far below the 10 s deadline: the gateway did not sit on the hint until the deadline either.
    expect(answer.elapsedMs).toBeLessThan(8_000);
    expect(fake.requests).toHaveLength(1);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 429, error_type: 'rate_limited', attempts: 1 });
  });
});
