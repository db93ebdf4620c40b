import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

describe("when an upstream's circuit opens, then breakwater_circuit_state goes from 0 to 2 and the tripping attempt's spans say so", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      tracing: true,
      upstream: { breaker: { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeoutMs: 600_000 } },
      config: { retry: { maxAttempts: 1 } },
    });
  });

  it('starts at 0 (closed), reads 2 (open) after the failure, and records a circuit event', async () => {
    expect(valueOf(parseSamples((await scrape(stack.gw)).text), 'breakwater_circuit_state', { upstream: 'fake' })).toBe(0);
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, { headers: { 'x-fake-status': '500' } }).catch(() => undefined);
    await waitForAccessLines(stack.gw, 1);
    expect(valueOf(parseSamples((await scrape(stack.gw)).text), 'breakwater_circuit_state', { upstream: 'fake' })).toBe(2);

    const spans = await stack.receiver!.waitForSpans((all) => all.some((s) => s.kind === 2));
    const server = spans.find((s) => s.kind === 2)!;
    const attempt = spans.find((s) => s.kind === 3)!;
    const event = { name: 'breakwater.circuit_state_change', attributes: { 'breakwater.upstream': 'fake', state: 'open' } };
    expect(server.events).toContainEqual(event);
    expect(attempt.events).toContainEqual(event);
    expect(stack.gw.logs().find((l) => l.msg === 'circuit state changed')).toMatchObject({ upstream: 'fake', state: 'open' });
  });
});
