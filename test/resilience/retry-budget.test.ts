import { beforeAll, describe, expect, it } from 'vitest';
import { QUIET_BREAKER, fakeUpstream, gateway, logsWith, rawChat, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream keeps failing and the retry budget runs dry', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    // budgetRatio 0 leaves only the budget's floor of 3 retries per 10 s window for the upstream.
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER }],
      retry: { maxAttempts: 3, baseDelayMs: 1, budgetRatio: 0 },
    });
  });

  it('then later requests get no retries, so the upstream sees one attempt per request', async () => {
    const attempts: Array<string | null> = [];
    for (let i = 0; i < 5; i++) {
      const answer = await rawChat(gw, { 'x-fake-status': '503' });
      expect(answer.status).toBe(503);
      attempts.push(answer.headers.get('x-breakwater-attempts'));
    }
    expect(attempts).toEqual(['3', '2', '1', '1', '1']);
    expect(fake.requests).toHaveLength(8);
    await waitForAccessLines(gw, 5);
    expect(logsWith(gw, 'retry scheduled')).toHaveLength(3);
  });
});
