import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, parseSamples, scrape, startStack, valueOf, type Stack } from './observe-helpers.ts';

/** The same stream, with the per-response id and timestamp made comparable. */
function normalised(sse: string): string {
  return sse.replace(/chatcmpl-fake\d+/g, 'chatcmpl-X').replace(/"created":\d+/g, '"created":0');
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<string> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, ...headers }, body: JSON.stringify(body) });
  expect(res.statusCode).toBe(200);
  return res.body.text();
}

describe('when a client streams chat without include_usage, then its stream is unchanged and usage is still exact', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('gives the client the bytes the upstream would have sent it, and accounts the hidden usage chunk', async () => {
    const body = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const steer = { 'x-fake-chunks': '4', 'x-fake-usage': '{"prompt_tokens":30,"completion_tokens":4}' };
    const viaGateway = await post(`${stack.gw.baseURL}/chat/completions`, body, steer);
    const direct = await post(`${stack.fake.baseUrl}/chat/completions`, body, steer);

    // The gateway asked the upstream for usage on the client's behalf...
    expect(stack.fake.requests[0]?.json).toMatchObject({ stream_options: { include_usage: true } });
    // ...and the client saw exactly what it would have seen without the gateway.
    expect(viaGateway).not.toContain('"usage"');
    expect(normalised(viaGateway)).toBe(normalised(direct));

    const [line] = await waitForAccessLines(stack.gw, 1);
    // 30 x 0.15 + 4 x 0.60 = 6.9 USD per 1M -> 0.0000069
    expect(line).toMatchObject({ stream: true, stream_outcome: 'completed', tokens: { input: 30, output: 4, cached_input: 0, reasoning: 0 }, usage_source: 'provider', cost_usd: 0.0000069 });
    const samples = parseSamples((await scrape(stack.gw)).text);
    expect(valueOf(samples, 'breakwater_tokens_total', { model: 'gpt-4o-mini', type: 'input', usage_source: 'provider' })).toBe(30);
    expect(valueOf(samples, 'breakwater_tokens_total', { model: 'gpt-4o-mini', type: 'output', usage_source: 'provider' })).toBe(4);
    expect(valueOf(samples, 'breakwater_cost_usd_total', { model: 'gpt-4o-mini' })).toBe(0.0000069);
    expect(valueOf(samples, 'breakwater_stream_outcomes_total', { model: 'gpt-4o-mini', upstream: 'fake', outcome: 'completed' })).toBe(1);
  });
});
