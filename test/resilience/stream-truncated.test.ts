import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, rawChat, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream stream ends before its terminal event', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER }], retry: FAST_RETRY });
  });

  it('then the SDK stream throws after the delivered chunks, and nothing is retried', async () => {
    const stream = await sdk(gw, { 'x-fake-truncate': '1', 'x-fake-chunks': '3' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('tok0 tok1 tok2 ');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_truncated');
    expect(fake.requests).toHaveLength(1);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 200, attempts: 1, stream_outcome: 'upstream_truncated', error_type: 'network' });
  });

  it('then the raw SSE ends with an error event and no [DONE]', async () => {
    fake.reset();
    const answer = await rawChat(gw, { 'x-fake-truncate': '1', 'x-fake-chunks': '2' }, { stream: true });
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain('[DONE]');
    const events = answer.text.split('\n\n').filter((block) => block.trim().length > 0);
    const last = events.at(-1)!;
    expect(last.split('\n')[0]).toBe('event: error');
    const data = JSON.parse(last.split('\n')[1]!.slice('data: '.length)) as { error: Record<string, unknown> };
    expect(data.error).toMatchObject({ type: 'upstream_error', code: 'upstream_truncated' });
    expect(fake.requests).toHaveLength(1);
  });

  it('then half an event cut mid-way is dropped, so the SDK sees the chunks and then our error', async () => {
    fake.reset();
    const whole = `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: 'hello' }, finish_reason: null }] })}\n\n`;
    const body = `${whole}data: {"id":"c1","object":"chat.compl`;
    fake.script('half', [{ body }]);
    const stream = await sdk(gw, { 'x-fake-scenario': 'half' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES, stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('hello');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_truncated');
  });
});
