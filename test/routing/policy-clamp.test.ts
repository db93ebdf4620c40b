import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, gateway, hashKey, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const KEY = 'sk-team-with-small-tpm';

describe('when a route caps max tokens with clamp and a call asks for more', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      routes: [{ match: 'gpt-*', targets: [{ upstream: 'fake' }], policy: { maxTokens: 1000 } }],
      // 32k output tokens would not fit this tpm: the limit must see the clamped request.
      keys: [{ name: 'team', hash: hashKey(KEY), limits: { tpm: 5_000 } }],
    });
  });

  it('then the upstream gets the cap, limits reserve the cap, and the action is counted and logged', async () => {
    const answer = await call(gw, { key: KEY, body: { max_completion_tokens: 32_000 } });
    expect(answer.status).toBe(200);
    expect(fake.requests[0]!.json).toMatchObject({ model: 'gpt-4o-mini', max_completion_tokens: 1000 });
    // The tpm reservation was the prompt plus 1000, not 32000.
    expect(Number(answer.headers.get('x-ratelimit-remaining-tokens'))).toBeGreaterThan(3_900);

    expect((await call(gw, { key: KEY, path: '/responses', raw: JSON.stringify({ model: 'gpt-4o', input: 'hi', max_output_tokens: 4096 }) })).status).toBe(200);
    expect(fake.requests[1]!.json).toMatchObject({ input: 'hi', max_output_tokens: 1000 });

    const lines = await waitForAccessLines(gw, 2);
    expect(lines.map((line) => line.policy)).toEqual([['clamped'], ['clamped']]);
    expect(await metric(gw, 'breakwater_policy_actions_total', { route: 'gpt-*', action: 'clamped' })).toBe(2);
  });
});
