import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { anthropicSdk, anthropicStack, GATEWAY_KEY, GATEWAY_KEY_HASH, MESSAGES, MODEL, parseSamples, scrape, valueOf, type AnthropicStack } from './harness.ts';

/*
 * Claude Code's `/context` fires ~25 count_tokens calls within 70 ms. They generate nothing and cost
 * nothing (Anthropic limits them apart from Messages), so they spend none of a key's limits: not
 * rpm, not tpm, not its concurrency slots, not its budget. They are still authenticated, routed,
 * metered and logged.
 */
describe('when Claude Code\'s /context fires a burst of count_tokens calls, then no key limit refuses them and no token or cost counter moves', () => {
  let stack: AnthropicStack;
  beforeAll(async () => {
    stack = await anthropicStack({ keys: [{ name: 'small', hash: GATEWAY_KEY_HASH, limits: { rpm: 2, tpm: 1_000, concurrency: 1, dailyBudgetUsd: 0.000001 } }] });
  });

  it('answers all 25 at once, then a Messages call still finds the key\'s whole minute', async () => {
    const client = anthropicSdk(stack.gw, { 'anthropic-beta': 'token-counting-2024-11-01' }, GATEWAY_KEY);
    const counts = await Promise.all(Array.from({ length: 25 }, () => client.messages.countTokens({ model: MODEL, messages: MESSAGES }, { query: { beta: 'true' } })));
    expect(counts.every((count) => count.input_tokens > 0)).toBe(true);
    expect(stack.fake.requests).toHaveLength(25);
    expect(stack.fake.requests[0]?.path).toBe('/v1/messages/count_tokens?beta=true');

    const { response } = await client.messages.create({ model: MODEL, max_tokens: 16, messages: MESSAGES }).withResponse();
    // the rpm window still has room for one more after this call: count_tokens took none of it
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('1');

    const lines = await waitForAccessLines(stack.gw, 26);
    const counted = lines.filter((line) => line.route === 'count_tokens');
    expect(counted).toHaveLength(25);
    expect(counted.every((line) => line.status === 200 && line.key === 'small' && line.model === MODEL && line.tokens === undefined && line.cost_usd === undefined)).toBe(true);

    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_requests_total', { route: 'count_tokens', model: MODEL, upstream: 'claude', status_code: '200' })).toBe(25);
    expect(valueOf(samples, 'breakwater_ratelimit_rejections_total')).toBe(0);
    // the one Messages call's tokens only (12 input, 20 output)
    expect(valueOf(samples, 'breakwater_tokens_total', { key: 'small' })).toBe(32);
  });
});
