import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const LIMIT = 100_000;
const USAGE = JSON.stringify({ prompt_tokens: 400, completion_tokens: 600 });

/** Remaining tokens shown to an identical request, i.e. the counter minus one identical reservation. */
async function remaining(gw: RunningGateway, maxTokens: number, headers: Record<string, string> = {}): Promise<number> {
  const answer = await chat(gw, 'sk-team-a', headers, { max_tokens: maxTokens });
  expect(answer.status).toBe(200);
  return Number(answer.headers.get('x-ratelimit-remaining-tokens'));
}

describe('when an answer used 1000 tokens', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { tpm: LIMIT } }]));
  });

  it('then the token counter moves by exactly 1000, whether the reservation was larger or smaller', async () => {
    expect(fake.requests).toHaveLength(0);
    // Reservation larger than the usage (max_tokens 5000): the surplus is given back.
    const first = await remaining(gw, 5_000, { 'x-fake-usage': USAGE });
    expect(first).toBeLessThan(LIMIT - 5_000);
    await waitForAccessLines(gw, 1);
    const second = await remaining(gw, 5_000, { 'x-fake-usage': USAGE });
    expect(first - second).toBe(1_000);
    await waitForAccessLines(gw, 2);

    // Reservation smaller than the usage (max_tokens 10): the shortfall is charged.
    const third = await remaining(gw, 10, { 'x-fake-usage': USAGE });
    await waitForAccessLines(gw, 3);
    const fourth = await remaining(gw, 10, { 'x-fake-usage': USAGE });
    expect(third - fourth).toBe(1_000);
    expect(gw.logs().filter((l) => l.msg === 'request').every((l) => l.status === 200)).toBe(true);
  });
});
