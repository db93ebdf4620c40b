import { beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { chat, call } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({
    config: {
      upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream-loops' }],
      keys: [
        { name: 'relaxed', hash: hashKey('bw-relaxed') },
        { name: 'strict', hash: hashKey('bw-strict'), runs: { loopDetection: { threshold: 3, action: 'block' } } },
      ],
      runs: { loopDetection: { threshold: 5, action: 'warn' } },
    },
  });
});

/** A chat history where the agent made the same tool call `times` turns in a row. */
function stuck(times: number, args = '{"path": "notes.txt"}'): Array<Record<string, unknown>> {
  const messages: Array<Record<string, unknown>> = [{ role: 'user', content: 'summarise the notes' }];
  for (let i = 0; i < times; i++) {
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'read_file', arguments: i % 2 === 0 ? args : '{"path":"notes.txt"}' } }] });
    messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: 'file not found' });
  }
  return messages;
}

describe('when an agent keeps making the same tool call', () => {
  it('then by default the answer warns (header, counter, access line) and the call still goes through', async () => {
    const calm = await chat(gw, 'bw-relaxed', { messages: stuck(4) });
    expect(calm.headers.get('x-breakwater-loop-detected')).toBeNull();
    const looping = await chat(gw, 'bw-relaxed', { messages: stuck(5) });
    expect(looping.status).toBe(200);
    expect(looping.headers.get('x-breakwater-loop-detected')).toBe('5');
    const lines = await waitForAccessLines(gw, 2);
    expect(lines.at(-1)).toMatchObject({ loop: 5, key: 'relaxed' });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/breakwater_agent_loops_total\{key="relaxed",action="warn"\} 1/);
  });

  it('then a key that blocks loops gets 400 agent_loop_detected and the upstream is not called', async () => {
    const before = fake.requests.length;
    const blocked = await chat(gw, 'bw-strict', { messages: stuck(3) });
    expect(blocked.status).toBe(400);
    expect(blocked.json).toMatchObject({ error: { code: 'agent_loop_detected', type: 'invalid_request_error' } });
    expect(blocked.headers.get('x-breakwater-error')).toBe('policy');
    expect(fake.requests.length).toBe(before);
  });

  it('then the Responses API (function calls in input) is watched the same way', async () => {
    const input: Array<Record<string, unknown>> = [{ role: 'user', content: 'fix the build' }];
    for (let i = 0; i < 3; i++) {
      input.push({ type: 'function_call', call_id: `c${i}`, name: 'exec_command', arguments: '{"cmd":"make"}' });
      input.push({ type: 'function_call_output', call_id: `c${i}`, output: 'error' });
    }
    const blocked = await call(gw, 'bw-strict', '/responses', { model: 'gpt-4o-mini', input });
    expect(blocked.status).toBe(400);
  });
});
