import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES, circuitStates, eventually, fakeUpstream, gateway, logsWith, rawChat, sdk, type FakeUpstream, type RunningGateway } from './harness.ts';

// Long enough that the "refused while open" request cannot slip into half-open on a loaded machine.
const RESET_MS = 1_500;

describe('when an open circuit has waited resetTimeoutMs and the upstream has recovered', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: RESET_MS } }],
      retry: { maxAttempts: 1, baseDelayMs: 10 },
    });
    fake.script('recovers', [{ status: 503 }, { status: 503 }, { status: 200 }]);
  });

  it('then one half-open probe goes through, succeeds, and closes the circuit again', async () => {
    const headers = { 'x-fake-scenario': 'recovers' };
    expect((await rawChat(gw, headers)).status).toBe(503);
    expect((await rawChat(gw, headers)).status).toBe(503);
    const openedAt = performance.now();
    const refused = await rawChat(gw, headers);
    expect(refused.headers.get('x-breakwater-error')).toBe('circuit_open');
    expect(fake.requests).toHaveLength(2);

    await eventually(() => logsWith(gw, 'circuit state changed').some((line) => line.state === 'half_open'), 5_000, 'half-open');
    expect(performance.now() - openedAt).toBeGreaterThanOrEqual(RESET_MS - 100);
    expect(await circuitStates(gw)).toEqual({ a: 'half_open' });

    const { response } = await sdk(gw, headers).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).withResponse();
    expect(response.status).toBe(200);
    expect(fake.requests).toHaveLength(3);
    expect(await circuitStates(gw)).toEqual({ a: 'closed' });
    await eventually(() => logsWith(gw, 'circuit state changed').length === 3, 2_000, 'closed logged');
    expect(logsWith(gw, 'circuit state changed').map((line) => line.state)).toEqual(['open', 'half_open', 'closed']);

    expect((await rawChat(gw, headers)).status).toBe(200);
    expect(fake.requests).toHaveLength(4);
  });
});
