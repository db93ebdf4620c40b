import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, logsWith, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream answers 503, 503, then 200', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER }], retry: FAST_RETRY });
    fake.script('flaky', [{ status: 503 }, { status: 503 }, { status: 200 }]);
  });

  it('then the client gets the 200 after 3 attempts, and says so', async () => {
    const { data, response } = await sdk(gw, { 'x-fake-scenario': 'flaky' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
    expect(data.choices[0]?.message.content).toBe('Hello from fake upstream');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-breakwater-attempts')).toBe('3');
    expect(response.headers.get('x-breakwater-upstream')).toBe('a');
    expect(fake.requests).toHaveLength(3);
    // The same bytes went up each time: the body is buffered once and re-sent.
    expect(new Set(fake.requests.map((request) => request.body.toString()))).toHaveProperty('size', 1);

    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 200, attempts: 3, upstream: 'a' });
    expect(line?.error_type).toBeUndefined();
    expect(logsWith(gw, 'retry scheduled').map((entry) => entry.reason)).toEqual(['upstream_5xx', 'upstream_5xx']);
  });
});
