import { beforeAll, describe, expect, it } from 'vitest';
import { chat, fakeUpstream, gateway, limitsConfig, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a request carries no key or an unknown key', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway(limitsConfig(fake, [{ name: 'team-a', secret: 'sk-team-a', limits: { rpm: 5 } }]));
  });

  it('then it gets 401 in OpenAI shape and nothing reaches the upstream or the counters', async () => {
    const unknown = await chat(gw, 'sk-not-a-key');
    expect(unknown.status).toBe(401);
    expect(unknown.json.error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
    expect(unknown.headers.get('x-breakwater-error')).toBe('auth');
    const none = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"gpt-4o-mini","messages":[]}' });
    expect(none.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
    const known = await chat(gw, 'sk-team-a');
    expect(known.status).toBe(200);
    expect(known.headers.get('x-ratelimit-remaining-requests')).toBe('4');
  });
});
