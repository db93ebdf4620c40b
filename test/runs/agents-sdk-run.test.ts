import OpenAI from 'openai';
import { OpenAIChatCompletionsModel, run, setDefaultOpenAIClient, setTracingDisabled } from '@openai/agents';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream } from '../helpers/stack.ts';
import { weatherAgent } from '../fixtures/weather-agent.ts';
import { own, runsGateway, TEAM_A } from './harness.ts';

/*
 * A real agent loop through the gateway, with no change to the agent: the OpenAI Agents SDK with a
 * function tool. It sends nothing that names a run; the gateway stitches its second call (the tool's
 * output) to the first by the call id the first answer made.
 */

let fake: FakeUpstream;
let gw: RunningGateway;
let client: OpenAI;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await runsGateway(fake);
  client = new OpenAI({ baseURL: gw.baseURL, apiKey: TEAM_A, maxRetries: 0, defaultHeaders: { 'x-fake-scenario': 'agent' } });
  setDefaultOpenAIClient(client);
  setTracingDisabled(true);
});

beforeEach(() => {
  fake.script('agent', [{ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] }, {}]);
});

/** The model calls' access lines, once there are `count` of them. */
async function modelCalls(count: number): Promise<Array<Record<string, unknown>>> {
  await expect.poll(() => gw.logs().filter((line) => line.msg === 'request' && line.route !== 'breakwater').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(count);
  return gw.logs().filter((line) => line.msg === 'request' && line.route !== 'breakwater');
}

describe('when an Agents SDK agent runs a function tool through the gateway', () => {
  it.each([
    ['the Responses API (its default model)', (): string => 'gpt-4o-mini'],
    ['chat completions', (): OpenAIChatCompletionsModel => new OpenAIChatCompletionsModel(client, 'gpt-4o-mini')],
  ] as const)('then with %s both calls land in one run, with no client hint', async (_name, model) => {
    const agent = weatherAgent(model());
    const before = (await modelCalls(0)).length;
    const result = await run(agent, 'Weather in Paris?');
    expect(result.finalOutput).toBe('Hello from fake upstream');
    const lines = (await modelCalls(before + 2)).slice(before, before + 2);
    const ids = lines.map((line) => line.run_id);
    const sources = lines.map((line) => line.run_source);
    expect(sources).toEqual(['new', 'tool_call']);
    expect(ids[0]).toBe(ids[1]);
    const record = await own(gw, TEAM_A, `/breakwater/runs/${String(ids[0])}`);
    expect(record.json).toMatchObject({ calls: 2, toolCalls: 1, errors: 0, source: 'new', models: ['gpt-4o-mini'] });
  });
});
