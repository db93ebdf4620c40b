import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES, fakeUpstream, gateway, logsWith, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const TOO_LONG = JSON.stringify({
  error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
});

describe('when the upstream says context_length_exceeded and the route has a bigger-context fallback', () => {
  let small: FakeUpstream;
  let large: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    small = await fakeUpstream();
    large = await fakeUpstream();
    gw = await gateway({
      upstreams: [{ name: 'small', baseUrl: small.baseUrl }, { name: 'large', baseUrl: large.baseUrl }],
      routes: [{ match: 'gpt-4o-mini', targets: [{ upstream: 'small' }, { upstream: 'large', model: 'gpt-4o-long' }] }],
      retry: { maxAttempts: 3, baseDelayMs: 10 },
    });
    small.script('long-prompt', [{ status: 400, body: TOO_LONG }]);
  });

  it('then the fallback target answers, without a retry on the first, and the headers and logs say so', async () => {
    const { data, response } = await sdk(gw, { 'x-fake-scenario': 'long-prompt' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES })
      .withResponse();
    expect(data.model).toBe('gpt-4o-long');
    expect(response.headers.get('x-breakwater-upstream')).toBe('large');
    expect(response.headers.get('x-breakwater-attempts')).toBe('2');
    expect(small.requests).toHaveLength(1);
    expect(large.requests).toHaveLength(1);
    expect(large.requests[0]?.json).toMatchObject({ model: 'gpt-4o-long' });

    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 200, upstream: 'large', attempts: 2, model: 'gpt-4o-mini' });
    expect(line?.error_type).toBeUndefined();
    expect(logsWith(gw, 'fallback')).toMatchObject([{ from_upstream: 'small', to_upstream: 'large', reason: 'context_length', request_id: line?.request_id }]);
    expect(logsWith(gw, 'retry scheduled')).toHaveLength(0);
  });
});
