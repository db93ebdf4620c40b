import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, sdk, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a key has rpm 5', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { rpm: 5 } }]));
  });

  it('then exactly 5 requests pass and the 6th gets 429 with a sane Retry-After', async () => {
    const client = sdk(gw, 'sk-team-a');
    for (let i = 0; i < 5; i++) {
      const answer = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
      expect(answer.choices[0]?.message.content).toBe('Hello from fake upstream');
    }
    const refused = await chat(gw, 'sk-team-a');
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'gateway_rate_limited', type: 'rate_limit_error' });
    expect(refused.headers.get('x-breakwater-error')).toBe('gateway_rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(fake.requests).toHaveLength(5);

    // The SDK reads the same answer as a RateLimitError.
    await expect(sdk(gw, 'sk-team-a').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 429 });
  });
});
