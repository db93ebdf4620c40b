import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, gateway, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

/** Odd spacing, odd key order, a unicode escape: any re-serialisation would show. */
const RAW = '{ "messages" : [ {"content":"caf\\u00e9 \u2603","role":"user"} ],\n  "temperature":0.0, "model":"gpt-4o-mini", "max_tokens" : 50, "seed": 7, "store": false }';

describe('when no policy changes a call', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      routes: [
        // Every part of this policy is already met by RAW.
        { match: 'gpt-4o-mini', targets: [{ upstream: 'fake' }], policy: { maxTokens: 100, defaults: { temperature: 1, seed: 1 }, overrides: { store: false } } },
        { match: 'gpt-*', targets: [{ upstream: 'fake' }] },
      ],
    });
  });

  it('then the upstream gets the client bytes exactly, with a policy that does not apply and without one', async () => {
    expect((await call(gw, { raw: RAW })).status).toBe(200);
    expect((await call(gw, { raw: RAW.replace('gpt-4o-mini', 'gpt-4o') })).status).toBe(200);
    expect(fake.requests[0]!.body.toString('utf8')).toBe(RAW);
    expect(fake.requests[1]!.body.toString('utf8')).toBe(RAW.replace('gpt-4o-mini', 'gpt-4o'));
    const lines = await waitForAccessLines(gw, 2);
    expect(lines.map((line) => line.policy)).toEqual([undefined, undefined]);
  });
});
