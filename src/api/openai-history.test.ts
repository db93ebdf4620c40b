import { describe, expect, it } from 'vitest';
import { openAiToolHistory } from './openai-history.js';

const toolCall = (id: string, name: string, args: string) => ({ id, type: 'function', function: { name, arguments: args } });

describe('openAiToolHistory', () => {
  it('chat: the ids the tool messages answer (newest first), and the assistant turns since the last user message', () => {
    const history = openAiToolHistory('chat', {
      messages: [
        { role: 'user', content: 'old task' },
        { role: 'assistant', tool_calls: [toolCall('c0', 'ls', '{}')] },
        { role: 'user', content: 'new task' },
        { role: 'assistant', content: null, tool_calls: [toolCall('c1', 'read', '{"path": "a", "n": 1}')] },
        { role: 'tool', tool_call_id: 'c1', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [toolCall('c2', 'read', '{"n":1,"path":"a"}')] },
        { role: 'tool', tool_call_id: 'c2', content: 'x' },
      ],
    });
    expect(history.answered).toEqual(['c2', 'c1']);
    // Arguments equal as canonical JSON make equal turns.
    expect(history.turns).toEqual(['read {"n":1,"path":"a"}', 'read {"n":1,"path":"a"}']);
  });

  it('responses: function calls between outputs are turns; reasoning items are skipped; a text turn is ""', () => {
    const history = openAiToolHistory('responses', {
      input: [
        { type: 'message', role: 'developer', content: 'system' },
        { type: 'message', role: 'user', content: 'task' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"ls"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done?' }] },
        { type: 'function_call_output', call_id: 'call_x', output: 'b' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** patch' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: 'ok' },
      ],
    });
    expect(history.answered).toEqual(['call_2', 'call_x', 'call_1']);
    expect(history.turns).toEqual(['exec_command {"cmd":"ls"}', '', 'apply_patch *** patch']);
  });

  it('a string input or another operation has no tool history', () => {
    expect(openAiToolHistory('responses', { input: 'hi' })).toEqual({ answered: [], turns: [] });
    expect(openAiToolHistory('embeddings', { input: ['x'] })).toEqual({ answered: [], turns: [] });
  });
});
