import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a route caps max tokens with reject and a call asks for more', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      routes: [{ match: 'gpt-*', targets: [{ upstream: 'fake' }], policy: { maxTokens: 1000, maxTokensAction: 'reject' } }],
    });
  });

  it('then it is 400 max_tokens_over_limit naming the field, the upstream is not called, and it is counted', async () => {
    const answer = await call(gw, { body: { max_tokens: 1001 } });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-breakwater-error')).toBe('policy');
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'max_tokens_over_limit', type: 'invalid_request_error', param: 'max_tokens' } });
    expect(chats(fake)).toBe(0);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 400, error_code: 'max_tokens_over_limit', policy: ['rejected'] });
    expect(await metric(gw, 'breakwater_policy_actions_total', { route: 'gpt-*', action: 'rejected' })).toBe(1);
  });

  it('then a call at the cap goes through untouched', async () => {
    const raw = '{"model":"gpt-4o-mini","max_tokens":1000,"messages":[{"role":"user","content":"hi"}]}';
    expect((await call(gw, { raw })).status).toBe(200);
    expect(fake.requests[0]!.body.toString('utf8')).toBe(raw);
  });
});
