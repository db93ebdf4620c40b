import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, type FakeUpstream, type RunningGateway } from './harness.ts';

const UPSTREAM_LIMITS = {
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '2000000',
  'x-ratelimit-remaining-tokens': '1999000',
  'x-ratelimit-reset-tokens': '30ms',
};

describe('when a key with rpm and tpm makes requests', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    fake.script('limited', [{ headers: UPSTREAM_LIMITS }]);
    fake.script('open', [{ headers: UPSTREAM_LIMITS }]);
    gw = await gateway(limitsConfig(fake, [
      { name: 'team-a', secret: 'sk-team-a', limits: { rpm: 3, tpm: 50_000 } },
      { name: 'team-open', secret: 'sk-open' },
    ], { limits: { defaultMaxTokens: 100 } }));
  });

  it("then x-ratelimit-* count down on every answer, the 429 included, in OpenAI's formats, replacing the upstream's", async () => {
    const seen: Array<Record<string, string | null>> = [];
    for (let i = 0; i < 4; i++) {
      const answer = await chat(gw, 'sk-team-a', { 'x-fake-scenario': 'limited' });
      seen.push({
        status: String(answer.status),
        limitRequests: answer.headers.get('x-ratelimit-limit-requests'),
        remainingRequests: answer.headers.get('x-ratelimit-remaining-requests'),
        limitTokens: answer.headers.get('x-ratelimit-limit-tokens'),
        resetRequests: answer.headers.get('x-ratelimit-reset-requests'),
        resetTokens: answer.headers.get('x-ratelimit-reset-tokens'),
        remainingTokens: answer.headers.get('x-ratelimit-remaining-tokens'),
      });
    }
    expect(seen.map((s) => [s.status, s.limitRequests, s.remainingRequests, s.limitTokens])).toEqual([
      ['200', '3', '2', '50000'],
      ['200', '3', '1', '50000'],
      ['200', '3', '0', '50000'],
      ['429', '3', '0', '50000'],
    ]);
    const tokens = seen.map((s) => Number(s.remainingTokens));
    expect(tokens[0]).toBeLessThan(50_000);
    expect(tokens[1]).toBeLessThan(tokens[0]!);
    expect(tokens[2]).toBeLessThan(tokens[1]!);
    for (const s of seen) {
      expect(s.resetRequests).toMatch(/^(\d+ms|(\d+m)?\d+(\.\d+)?s)$/);
      expect(s.resetTokens).toMatch(/^(\d+ms|(\d+m)?\d+(\.\d+)?s)$/);
    }
  });

  it("then a key without rpm/tpm gets the upstream's x-ratelimit-* unchanged", async () => {
    const answer = await chat(gw, 'sk-open', { 'x-fake-scenario': 'open' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-ratelimit-remaining-requests')).toBe('9999');
    expect(answer.headers.get('x-ratelimit-remaining-tokens')).toBe('1999000');
  });
});
