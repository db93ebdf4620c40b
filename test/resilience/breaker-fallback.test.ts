import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES, circuitStates, fakeUpstream, gateway, logsWith, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the primary upstream keeps failing and the route has a fallback', () => {
  let primary: FakeUpstream;
  let secondary: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    primary = await fakeUpstream();
    secondary = await fakeUpstream();
    gw = await gateway({
      upstreams: [
        { name: 'a', baseUrl: primary.baseUrl, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } },
        { name: 'b', baseUrl: secondary.baseUrl },
      ],
      routes: [{ match: 'gpt-*', targets: [{ upstream: 'a' }, { upstream: 'b' }] }],
      retry: { maxAttempts: 1, baseDelayMs: 10 },
    });
    // Only the primary fails: a scripted scenario there, plain success on the secondary.
    primary.script('down', [{ status: 503 }]);
  });

  it('then every request is served by the fallback, and once the circuit is open the primary sees no traffic', async () => {
    const client = sdk(gw, { 'x-fake-scenario': 'down' });
    const served: Array<string | null> = [];
    const attempts: Array<string | null> = [];
    for (let i = 0; i < 4; i++) {
      const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
      expect(data.choices[0]?.message.content).toBe('Hello from fake upstream');
      served.push(response.headers.get('x-breakwater-upstream'));
      attempts.push(response.headers.get('x-breakwater-attempts'));
    }
    expect(served).toEqual(['b', 'b', 'b', 'b']);
    // Two real failures on a, then the open circuit sends nothing there: b's attempt is the only one.
    expect(attempts).toEqual(['2', '2', '1', '1']);
    expect(primary.requests).toHaveLength(2);
    expect(secondary.requests).toHaveLength(4);
    expect(await circuitStates(gw)).toEqual({ a: 'open', b: 'closed' });

    const lines = await waitForAccessLines(gw, 4);
    expect(lines.map((line) => line.upstream)).toEqual(['b', 'b', 'b', 'b']);
    expect(lines.every((line) => line.status === 200)).toBe(true);
    expect(logsWith(gw, 'fallback').map((line) => [line.from_upstream, line.to_upstream, line.reason])).toEqual([
      ['a', 'b', 'upstream_5xx'],
      ['a', 'b', 'upstream_5xx'],
      ['a', 'b', 'circuit_open'],
      ['a', 'b', 'circuit_open'],
    ]);
  });
});
