import { beforeAll, describe, expect, it } from 'vitest';
import { accessLines, chat, fakeUpstream, gatewayProcess, keyedConfig, llmCalls, metric, sdk, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({ config: keyedConfig([fake], { routes: [{ match: '*', targets: [{ upstream: 'fake' }], onClientDisconnect: 'cancel' }] }) });
});

describe('when a client drops its stream on a route with onClientDisconnect: cancel (even with an Idempotency-Key)', () => {
  it('then the upstream call is aborted within a second, what was delivered is accounted (estimated, never zero), and a repeat runs again', async () => {
    const client = sdk(gw);
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'a long story' }] },
      { headers: { 'Idempotency-Key': 'drop-cancel-1', 'x-fake-chunks': '40', 'x-fake-chunk-delay-ms': '100', 'x-fake-usage': 'none' }, signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const _chunk of stream) {
        seen += 1;
        if (seen === 3) controller.abort();
      }
    } catch {
      // the SDK may end the iteration quietly or throw its abort error
    }
    const abortedAt = Date.now();
    const upstreamCall = llmCalls(fake).find((r) => r.headers['idempotency-key'] === 'drop-cancel-1')!;
    await until(() => upstreamCall.aborted, 'the upstream call aborted', 1_000);
    expect(Date.now() - abortedAt).toBeLessThan(1_000);

    await until(() => accessLines(gw).length === 1, 'the access line');
    const [line] = accessLines(gw);
    expect(line).toMatchObject({ status: 200, stream_outcome: 'client_cancelled', error_type: 'client_closed', usage_source: 'estimated' });
    expect(line?.client_left).toBeUndefined();
    expect((line?.tokens as { output: number }).output).toBeGreaterThan(0);
    expect(await metric(gw, 'breakwater_client_disconnects_total', { action: 'cancel' })).toBe(1);
    expect(await metric(gw, 'breakwater_tokens_total', { type: 'output', usage_source: 'estimated' })).toBeGreaterThan(0);

    // Nothing complete was kept: the repeat is a new call.
    const again = await chat(gw, { 'idempotency-key': 'drop-cancel-1', 'x-fake-chunks': '2' }, { stream: true, messages: [{ role: 'user', content: 'a long story' }] });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-breakwater-idempotent-replay')).toBeNull();
    expect(llmCalls(fake).filter((r) => r.headers['idempotency-key'] === 'drop-cancel-1')).toHaveLength(2);
  });
});
