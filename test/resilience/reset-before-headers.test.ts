import { beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, logsWith, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream resets the connection before sending headers', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER }], retry: FAST_RETRY });
    fake.script('reset', [{ reset: 'before-headers' }, { chunks: 2 }]);
  });

  it('then the gateway retries on a new connection and the stream arrives whole', async () => {
    const { data: stream, response } = await sdk(gw, { 'x-fake-scenario': 'reset' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('tok0 tok1 ');
    expect(response.headers.get('x-breakwater-attempts')).toBe('2');
    expect(fake.requests).toHaveLength(2);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 200, attempts: 2, stream_outcome: 'completed' });
    expect(logsWith(gw, 'retry scheduled')).toMatchObject([{ reason: 'network' }]);
  });
});
