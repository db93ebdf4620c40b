import { beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../fixtures/otlp-receiver.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { hashKey } from '../../src/auth/key-store.ts';
import { afterFile, fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { call, chat, TEAM_A } from './harness.ts';

/*
 * A tracing backend groups a run's calls by `gen_ai.conversation.id`: both calls of a stitched run
 * carry the same one (with where it came from), and a looping call carries the loop event.
 */

let receiver: OtlpReceiver;
let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  receiver = await startOtlpReceiver();
  afterFile(() => receiver.close());
  gw = await gatewayProcess({
    config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream-runs' }], keys: [{ name: 'team-a', hash: hashKey(TEAM_A) }], runs: { loopDetection: { threshold: 2, action: 'warn' } } },
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' },
  });
});

const serverSpans = (all: Awaited<ReturnType<OtlpReceiver['waitForSpans']>>) => all.filter((span) => span.kind === 2);

describe('when a run is traced', () => {
  it('then every call of the run carries the run id as gen_ai.conversation.id, and a looping call the agent_loop event', async () => {
    const first = await chat(gw, TEAM_A, {}, { 'x-fake-tool-call': 'name=get_weather;arguments={"city":"Paris"}' });
    const toolCall = ((first.json['choices'] as Array<{ message: { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> } }>)[0]!.message.tool_calls)[0]!;
    const assistant = { role: 'assistant', content: null, tool_calls: [{ id: toolCall.id, type: 'function', function: toolCall.function }] };
    const messages = [{ role: 'user', content: 'weather?' }, assistant, { role: 'tool', tool_call_id: toolCall.id, content: 'sunny' }, { ...assistant, tool_calls: [{ ...assistant.tool_calls[0]!, id: `${toolCall.id}-2` }] }, { role: 'tool', tool_call_id: `${toolCall.id}-2`, content: 'sunny' }];
    const second = await call(gw, TEAM_A, '/chat/completions', { model: 'gpt-4o-mini', messages });
    expect(second.runSource).toBe('tool_call');
    expect(second.headers.get('x-breakwater-loop-detected')).toBe('2');
    const spans = serverSpans(await receiver.waitForSpans((all) => serverSpans(all).length >= 2));
    expect(spans.map((span) => [span.attributes['gen_ai.conversation.id'], span.attributes['breakwater.run.source']])).toEqual([
      [first.runId, 'new'],
      [first.runId, 'tool_call'],
    ]);
    expect(spans[1]!.events).toContainEqual(expect.objectContaining({ name: 'breakwater.agent_loop', attributes: expect.objectContaining({ 'breakwater.loop.count': 2, 'breakwater.loop.action': 'warn' }) }));
  });
});
