import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES, circuitStates, fakeUpstream, gateway, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the client goes away', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    // The most trigger-happy breaker there is: a single counted failure would open it.
    gw = await gateway({
      upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeoutMs: 60_000 } }],
      retry: { maxAttempts: 3, baseDelayMs: 10 },
    });
  });

  it('then mid-stream the upstream socket is closed, nothing is retried, and the breaker stays closed', async () => {
    const controller = new AbortController();
    const stream = await sdk(gw, { 'x-fake-chunks': '50', 'x-fake-chunk-delay-ms': '100' }).chat.completions.create(
      { model: 'gpt-4o-mini', messages: MESSAGES, stream: true },
      { signal: controller.signal },
    );
    let seen = 0;
    await (async () => {
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content !== undefined) seen += 1;
        if (seen === 2) controller.abort();
      }
    })().catch(() => undefined);
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 200, attempts: 1, stream_outcome: 'client_cancelled', error_type: 'client_closed' });
    expect(fake.requests).toHaveLength(1);
    expect(await circuitStates(gw)).toEqual({ a: 'closed' });
  });

  it('then while waiting for the first byte the upstream socket is closed and the breaker stays closed', async () => {
    fake.reset();
    const controller = new AbortController();
    const pending = sdk(gw, { 'x-fake-delay-ms': '3000' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }, { signal: controller.signal });
    await expect.poll(() => fake.requests.length, { timeout: 5_000 }).toBe(1);
    controller.abort();
    await pending.catch(() => undefined);
    await expect.poll(() => fake.requests[0]?.aborted, { timeout: 5_000 }).toBe(true);
    const lines = await waitForAccessLines(gw, 2);
    expect(lines[1]).toMatchObject({ attempts: 1, error_type: 'client_closed' });
    expect(fake.requests).toHaveLength(1);
    expect(await circuitStates(gw)).toEqual({ a: 'closed' });

    // And the upstream still gets traffic: nothing counted the aborts as its failures.
    const ok = await sdk(gw).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
    expect(ok.choices[0]?.message.content).toBe('Hello from fake upstream');
  });
});
