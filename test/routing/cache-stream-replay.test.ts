import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a caching route gets the same streamed call twice', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: upstreamsOf({ fake }), routes: [{ match: 'gpt-*', targets: [{ upstream: 'fake' }], cache: {} }] });
  });

  it('then the hit replays the same SSE events, byte for byte (the usage chunk the gateway hid stays hidden)', async () => {
    const first = await call(gw, { body: { stream: true }, headers: { 'x-fake-chunks': '5' } });
    expect(first.headers.get('x-breakwater-cache')).toBe('miss');
    expect(first.text).toContain('data: [DONE]');
    expect(first.text).not.toContain('"usage"');
    const second = await call(gw, { body: { stream: true } });
    expect(second.headers.get('x-breakwater-cache')).toBe('hit');
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(second.text).toBe(first.text);
    expect(chats(fake)).toBe(1);
  });

  it('then an SDK reads the replayed stream like the first', async () => {
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 });
    const read = async (): Promise<string> => {
      let text = '';
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'sdk' }] });
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    const once = await read();
    expect(once.length).toBeGreaterThan(0);
    expect(await read()).toBe(once);
    expect(chats(fake)).toBe(2);
  });

  it('then the same call without streaming is another entry', async () => {
    const whole = await call(gw);
    expect(whole.headers.get('x-breakwater-cache')).toBe('miss');
    expect(whole.headers.get('content-type')).toContain('application/json');
    expect((await call(gw)).headers.get('x-breakwater-cache')).toBe('hit');
    expect(chats(fake)).toBe(3);
  });
});
