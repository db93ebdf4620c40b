import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { afterFile } from '../helpers/stack.ts';
import { chat, fakeUpstream, gateway, limitsConfig, readyz, redis, until, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const TPM = 1_000;
const PREFIX = 'bw-debt:';
const WINDOW = `${PREFIX}win:tpm:team-a`;

describe('when an answer uses far more tokens than its request reserved', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  let client: Redis;
  beforeAll(async () => {
    fake = await fakeUpstream();
    const server = await redis();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { tpm: TPM } }], { state: { redisUrl: server.url, keyPrefix: PREFIX } }));
    await until(async () => (await readyz(gw)).body.state?.up === true, 5_000, 'redis ready');
    client = new Redis(server.url);
    afterFile(() => client.quit());
  });

  /** Moves the key's tpm window one minute into the past: what a minute of waiting does, without the wait. */
  async function nextWindow(): Promise<void> {
    await client.hincrby(WINDOW, 's', -60_000);
  }

  it('then the overrun is owed in the next windows: refused until the debt is paid, then served', async () => {
    // Reserved: a few prompt tokens + 10; used: 4,400.
    const big = await chat(gw, 'sk-team-a', { 'x-fake-usage': JSON.stringify({ prompt_tokens: 400, completion_tokens: 4_000 }) }, { max_tokens: 10 });
    expect(big.status).toBe(200);
    await waitForAccessLines(gw, 1);
    expect(Number(await client.hget(WINDOW, 'u'))).toBe(4_400);

    const small = { 'x-fake-usage': JSON.stringify({ prompt_tokens: 5, completion_tokens: 5 }) };
    // Each minute pays back one limit's worth: 3,400, 2,400, 1,400, 400 owed.
    for (const owed of [3_400, 2_400, 1_400]) {
      await nextWindow();
      const refused = await chat(gw, 'sk-team-a', small, { max_tokens: 10 });
      expect(refused.status).toBe(429);
      expect(refused.json.error?.code).toBe('gateway_rate_limited');
      expect(refused.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
      // Retry-After points past the windows the debt still needs, not just to the next reset.
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(60 * (Math.ceil(owed / TPM) - 2));
      expect(retryAfter).toBeLessThanOrEqual(60 * Math.ceil(owed / TPM));
      expect(Number(await client.hget(WINDOW, 'u'))).toBe(owed);
    }
    await nextWindow();
    const served = await chat(gw, 'sk-team-a', small, { max_tokens: 10 });
    expect(served.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });
});
