import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, gateway, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a route sets defaults and overrides', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      routes: [{
        match: 'gpt-*',
        targets: [{ upstream: 'fake' }],
        policy: { defaults: { temperature: 0, seed: 7 }, overrides: { store: false, metadata: { team: 'eval' } } },
      }],
    });
  });

  it('then the upstream gets the client fields it sent, the defaults it did not, and the overrides whatever it sent', async () => {
    expect((await call(gw, { body: { temperature: 0.7, store: true } })).status).toBe(200);
    expect(fake.requests[0]!.json).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.7,
      store: false,
      seed: 7,
      metadata: { team: 'eval' },
    });
    const [line] = await waitForAccessLines(gw, 1);
    expect(line!.policy).toEqual(['defaulted', 'overridden']);
    expect(await metric(gw, 'breakwater_policy_actions_total', { route: 'gpt-*', action: 'defaulted' })).toBe(1);
    expect(await metric(gw, 'breakwater_policy_actions_total', { route: 'gpt-*', action: 'overridden' })).toBe(1);
  });

  it('then a stream whose body was rewritten still streams, with its usage read', async () => {
    const answer = await call(gw, { body: { stream: true }, headers: { 'x-fake-chunks': '3' } });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('data: [DONE]');
    expect(fake.requests[1]!.json).toMatchObject({ stream: true, stream_options: { include_usage: true }, temperature: 0, seed: 7, store: false });
    const lines = await waitForAccessLines(gw, 2);
    expect(lines[1]).toMatchObject({ stream: true, usage_source: 'provider', policy: ['defaulted', 'overridden'] });
  });
});
