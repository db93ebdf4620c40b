import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const TPM = 10_000;

describe('when a request reserves more tokens than its key may use in a minute', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { tpm: TPM } }]));
  });

  it('then a huge max_tokens is refused up front with 429 gateway_rate_limited that says retrying cannot help', async () => {
    const answer = await chat(gw, 'sk-team-a', {}, { max_tokens: 1_000_000 });
    expect(answer.status).toBe(429);
    expect(answer.json.error).toMatchObject({ code: 'gateway_rate_limited', type: 'rate_limit_error' });
    expect(answer.json.error?.message).toMatch(/Request too large .*tokens per min \(TPM\): Limit 10000, Requested 10000\d\d/);
    expect(answer.headers.get('x-should-retry')).toBe('false');
    expect(answer.headers.get('retry-after')).toBeNull();
    expect(answer.headers.get('x-breakwater-error')).toBe('gateway_rate_limited');
    expect(fake.requests).toHaveLength(0);
  });

  it('then n copies of the output count: max_tokens 3000 with n 4 is too large, the same with n 3 is served', async () => {
    const tooLarge = await chat(gw, 'sk-team-a', {}, { max_tokens: 3_000, n: 4 });
    expect(tooLarge.status).toBe(429);
    expect(tooLarge.json.error?.message).toMatch(/Limit 10000, Requested 120\d\d/);
    expect(fake.requests).toHaveLength(0);

    const served = await chat(gw, 'sk-team-a', { 'x-fake-delay-ms': '0' }, { max_tokens: 3_000, n: 3 });
    expect(served.status).toBe(200);
    // The reservation shown while the call ran: 3 x 3000 output plus the prompt estimate.
    expect(Number(served.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThanOrEqual(TPM - 9_000);
  });

  it('then the official SDK does not retry the refusal', async () => {
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-team-a', maxRetries: 3, timeout: 10_000 });
    const before = (await waitForAccessLines(gw, 3)).length; // the three requests above
    // The SDK settles only after its last retry: one access line means it sent the request once.
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 50_000 })).rejects.toMatchObject({ status: 429 });
    expect(await waitForAccessLines(gw, before + 1)).toHaveLength(before + 1);
    expect(fake.requests.filter((r) => (r.json as { max_completion_tokens?: number }).max_completion_tokens === 50_000)).toHaveLength(0);
  });
});
