import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream } from '../helpers/stack.ts';
import { call, chat, runsGateway, TEAM_A, TEAM_B } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await runsGateway(fake);
});

describe('when a call names its run, then the first rule that applies decides, and every answer says which', () => {
  it('x-breakwater-run-id, then harness session headers, then baggage session.id, then prompt_cache_key, else a new run', async () => {
    expect(await chat(gw, TEAM_A, {}, { 'x-breakwater-run-id': 'my-run-1', 'x-claude-code-session-id': 'cc-1' })).toMatchObject({ runId: 'my-run-1', runSource: 'header' });
    expect(await chat(gw, TEAM_A, {}, { 'x-claude-code-session-id': 'cc-session-7', baggage: 'session.id=bag-1' })).toMatchObject({ runId: 'cc-session-7', runSource: 'harness' });
    expect(await chat(gw, TEAM_A, { prompt_cache_key: 'codex-7' }, { 'session-id': 'codex-7', 'thread-id': 'codex-7' })).toMatchObject({ runId: 'codex-7', runSource: 'harness' });
    expect(await chat(gw, TEAM_A, { prompt_cache_key: 'pck-1' }, { baggage: 'user.id=u1,session.id=bag-2' })).toMatchObject({ runId: 'bag-2', runSource: 'baggage' });
    expect(await chat(gw, TEAM_A, { prompt_cache_key: 'pck-2' })).toMatchObject({ runId: 'pck-2', runSource: 'prompt_cache_key' });
    const fresh = await chat(gw, TEAM_A);
    expect(fresh.runSource).toBe('new');
    expect(fresh.runId).toMatch(/^run_/);
    expect((await chat(gw, TEAM_A)).runId).not.toBe(fresh.runId);
  });

  it('a client that sends the run id back continues the run', async () => {
    const first = await chat(gw, TEAM_A);
    const again = await chat(gw, TEAM_A, {}, { 'x-breakwater-run-id': first.runId! });
    expect(again).toMatchObject({ runId: first.runId, runSource: 'header' });
  });

  it('a malformed x-breakwater-run-id is a 400', async () => {
    const bad = await chat(gw, TEAM_A, {}, { 'x-breakwater-run-id': 'not a run id!' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'invalid_run_id' } });
  });
});

describe('when a call continues an answer, then it joins that answer\'s run', () => {
  it('previous_response_id: the run of the response it names', async () => {
    const first = await call(gw, TEAM_A, '/responses', { model: 'gpt-4o-mini', input: 'plan the trip' });
    const second = await call(gw, TEAM_A, '/responses', { model: 'gpt-4o-mini', input: 'go on', previous_response_id: first.json['id'] });
    expect(second).toMatchObject({ runId: first.runId, runSource: 'previous_response' });
  });

  it('chat: a tool message answering a tool call the gateway saw in an answer (stream or not)', async () => {
    for (const stream of [false, true]) {
      const first = await chat(gw, TEAM_A, { stream }, { 'x-fake-tool-call': `name=lookup;id=call_chat_${String(stream)};arguments={"q":"x"}` });
      expect(first.runSource).toBe('new');
      const second = await chat(gw, TEAM_A, {
        messages: [
          { role: 'user', content: 'find x' },
          { role: 'assistant', content: null, tool_calls: [{ id: `call_chat_${String(stream)}`, type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }] },
          { role: 'tool', tool_call_id: `call_chat_${String(stream)}`, content: 'found' },
        ],
      });
      expect(second).toMatchObject({ runId: first.runId, runSource: 'tool_call' });
    }
  });

  it('responses: a function_call_output answering a call made in a streamed answer', async () => {
    const first = await call(gw, TEAM_A, '/responses', { model: 'gpt-4o-mini', input: 'weather?', stream: true }, { 'x-fake-tool-call': 'name=get_weather;id=call_resp_1;arguments={"city":"Paris"}' });
    const second = await call(gw, TEAM_A, '/responses', {
      model: 'gpt-4o-mini',
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'function_call', call_id: 'call_resp_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_resp_1', output: 'sunny' },
      ],
    });
    expect(second).toMatchObject({ runId: first.runId, runSource: 'tool_call' });
  });

  it('another key answering the same call id does not join the first key\'s run', async () => {
    const first = await chat(gw, TEAM_A, {}, { 'x-fake-tool-call': 'name=lookup;id=call_shared_1;arguments={}' });
    const other = await chat(gw, TEAM_B, { messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'call_shared_1', content: 'y' }] });
    expect(other.runSource).toBe('new');
    expect(other.runId).not.toBe(first.runId);
  });
});
