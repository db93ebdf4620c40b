import { beforeAll, describe, expect, it } from 'vitest';
import { accessLines, fakeUpstream, gatewayProcess, keyedConfig, llmCalls, metric, sdk, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({ config: keyedConfig([fake]) });
});

const HEADERS = {
  'Idempotency-Key': 'drop-finish-1',
  'x-fake-chunks': '8',
  'x-fake-chunk-delay-ms': '100',
  'x-fake-usage': JSON.stringify({ prompt_tokens: 31, completion_tokens: 47 }),
};
const BODY = { model: 'gpt-4o-mini', stream: true as const, messages: [{ role: 'user' as const, content: 'a long story' }] };

describe('when a client with an Idempotency-Key drops its stream (onClientDisconnect finish, the default with a key)', () => {
  it('then the upstream answer is read to its end and its exact provider usage accounted; the retry gets all of it from the store', async () => {
    const client = sdk(gw);
    const controller = new AbortController();
    const stream = await client.chat.completions.create(BODY, { headers: HEADERS, signal: controller.signal });
    let seen = 0;
    try {
      for await (const _chunk of stream) {
        seen += 1;
        if (seen === 2) controller.abort();
      }
    } catch {
      // the SDK may end the iteration quietly or throw its abort error
    }
    expect(seen).toBe(2);

    await until(() => accessLines(gw).length === 1, 'the access line of the dropped stream');
    const [line] = accessLines(gw);
    expect(line).toMatchObject({ status: 200, stream_outcome: 'completed', client_left: true, usage_source: 'provider', tokens: { input: 31, output: 47 } });
    expect(line?.error_type).toBeUndefined();
    const upstreamCall = llmCalls(fake).find((r) => r.headers['idempotency-key'] === 'drop-finish-1');
    expect(upstreamCall?.aborted).toBe(false);
    expect(await metric(gw, 'breakwater_client_disconnects_total', { action: 'finish' })).toBe(1);
    expect(await metric(gw, 'breakwater_tokens_total', { type: 'output', usage_source: 'provider' })).toBe(47);

    // The retry, as an app would send it after the drop: the whole answer, replayed, no second upstream call.
    const { data: again, response } = await client.chat.completions.create(BODY, { headers: HEADERS }).withResponse();
    expect(response.headers.get('x-breakwater-idempotent-replay')).toBe('true');
    let text = '';
    let usageChunks = 0;
    for await (const chunk of again) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage !== undefined && chunk.usage !== null) usageChunks += 1;
    }
    expect(text).toBe('tok0 tok1 tok2 tok3 tok4 tok5 tok6 tok7 ');
    // The usage chunk the gateway asked for stays hidden in the replay too.
    expect(usageChunks).toBe(0);
    expect(llmCalls(fake).filter((r) => r.headers['idempotency-key'] === 'drop-finish-1')).toHaveLength(1);
    await until(() => accessLines(gw).length === 2, 'the access line of the replay');
    expect(accessLines(gw)[1]).toMatchObject({ status: 200, durable: 'replayed' });
    expect(await metric(gw, 'breakwater_tokens_total', { type: 'output', usage_source: 'provider' })).toBe(47);
  });
});
