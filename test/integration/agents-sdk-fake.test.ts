import OpenAI from 'openai';
import { OpenAIChatCompletionsModel, run, setDefaultOpenAIClient, setTracingDisabled, type ModelResponse } from '@openai/agents';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream, RecordedRequest } from '../fixtures/fake-upstream.ts';
import { fakeUpstream } from '../helpers/stack.ts';
import { weatherAgent } from '../fixtures/weather-agent.ts';

/*
 * The OpenAI Agents SDK against the fake upstream directly: what one agent run with one function
 * tool sends, turn by turn. Pointed at the gateway later, these are the calls it must group into
 * one run without any client change. Findings: docs/openai-clients-notes.md.
 */

let fake: FakeUpstream;
let client: OpenAI;

beforeAll(async () => {
  fake = await fakeUpstream();
  client = new OpenAI({ baseURL: fake.baseUrl, apiKey: 'sk-agents-sdk-0001', maxRetries: 0, defaultHeaders: { 'x-fake-scenario': 'agent' } });
  setDefaultOpenAIClient(client);
  setTracingDisabled(true);
});

beforeEach(() => {
  fake.reset();
  fake.script('agent', [{ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] }, {}]);
});

function body(req: RecordedRequest | undefined): Record<string, unknown> {
  return (req?.json ?? {}) as Record<string, unknown>;
}

/** The call id the model's first answer issued, as the SDK read it. */
function issuedCallId(result: { rawResponses: ModelResponse[] }): string {
  const call = result.rawResponses[0]?.output.find((item) => item.type === 'function_call');
  if (call?.type !== 'function_call') throw new Error('the first answer made no function call');
  return call.callId;
}

describe('when an Agents SDK agent runs a function tool against the fake', () => {
  it('then the default model (Responses API) completes the loop and its second call answers the first call id in function_call_output', async () => {
    const agent = weatherAgent('gpt-4o-mini');
    const result = await run(agent, 'Weather in Paris?');
    expect(result.finalOutput).toBe('Hello from fake upstream');
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/responses', '/v1/responses']);
    const callId = issuedCallId(result);
    expect(callId).toMatch(/^call_/);

    const second = body(fake.requests[1]);
    expect(second['input']).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      expect.objectContaining({ type: 'function_call', call_id: callId, name: 'get_weather', arguments: '{"city":"Paris"}' }),
      expect.objectContaining({ type: 'function_call_output', call_id: callId, output: 'sunny in Paris' }),
    ]);
    // Nothing else ties the two calls together: no previous_response_id, prompt_cache_key, store or session header.
    for (const req of fake.requests) {
      expect(Object.keys(body(req))).toEqual(['model', 'instructions', 'input', 'include', 'tools', 'stream']);
      expect(Object.keys(req.headers).filter((h) => /session|thread|trace|baggage|request-id/.test(h))).toEqual([]);
    }
  });

  it('then the chat completions model completes the loop and its second call answers the first call id in a tool message', async () => {
    const agent = weatherAgent(new OpenAIChatCompletionsModel(client, 'gpt-4o-mini'));
    const result = await run(agent, 'Weather in Paris?');
    expect(result.finalOutput).toBe('Hello from fake upstream');
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    const callId = issuedCallId(result);

    const messages = body(fake.requests[1])['messages'];
    expect(messages).toEqual([
      { role: 'system', content: 'Answer about weather.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: callId, content: 'sunny in Paris' },
    ]);
  });

  it('then a run continued with previousResponseId sends only the tool output, naming the previous response', async () => {
    fake.script('agent', [{}, { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] }, {}]);
    const agent = weatherAgent('gpt-4o-mini');
    const first = await run(agent, 'Hello');
    const result = await run(agent, 'Weather in Oslo?', { previousResponseId: first.lastResponseId });
    expect(result.finalOutput).toBe('Hello from fake upstream');
    const [, toolTurn, answerTurn] = fake.requests.map(body);
    expect(toolTurn).toMatchObject({ previous_response_id: first.lastResponseId, input: [{ role: 'user', content: 'Weather in Oslo?' }] });
    expect(answerTurn).toMatchObject({
      previous_response_id: result.rawResponses[0]?.responseId,
      input: [{ type: 'function_call_output', call_id: issuedCallId(result), output: 'sunny in Oslo' }],
    });
  });
});
