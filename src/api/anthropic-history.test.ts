import { describe, expect, it } from 'vitest';
import { loopLength } from '../runs/loop-rule.js';
import { anthropicToolHistory } from './anthropic-history.js';

const use = (id: string, name: string, input: unknown) => ({ type: 'tool_use', id, name, input });
const result = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'ok' });

describe('anthropicToolHistory', () => {
  it('answers the tool_use ids of the tool results after the last human turn, newest first', () => {
    const history = anthropicToolHistory('messages', {
      messages: [
        { role: 'user', content: 'old task' },
        { role: 'assistant', content: [use('toolu_old', 'Read', { path: 'a' })] },
        { role: 'user', content: [result('toolu_old')] },
        { role: 'user', content: 'new task' },
        { role: 'assistant', content: [{ type: 'text', text: 'reading' }, use('toolu_1', 'Read', { path: 'b' }), use('toolu_2', 'Grep', { q: 'x' })] },
        // Claude Code adds text (system reminders) next to its tool results: still a tool turn, not a human one.
        { role: 'user', content: [result('toolu_1'), result('toolu_2'), { type: 'text', text: '<system-reminder>…</system-reminder>' }] },
      ],
    });
    expect(history.answered).toEqual(['toolu_2', 'toolu_1']);
    expect(history.turns).toHaveLength(1);
  });

  it('sees the same call repeated, whatever the key order of its input, as a loop; a different input breaks it', () => {
    const messages: unknown[] = [{ role: 'user', content: 'task' }];
    for (let i = 0; i < 4; i++) {
      const input = i % 2 === 0 ? { path: 'a.txt', limit: 10 } : { limit: 10, path: 'a.txt' };
      messages.push({ role: 'assistant', content: [use(`toolu_${i}`, 'Read', input)] }, { role: 'user', content: [result(`toolu_${i}`)] });
    }
    expect(loopLength(anthropicToolHistory('messages', { messages }).turns, 4)).toBe(4);
    messages.splice(3, 1, { role: 'assistant', content: [use('toolu_1', 'Read', { path: 'b.txt', limit: 10 })] });
    expect(loopLength(anthropicToolHistory('messages', { messages }).turns, 3)).toBeUndefined();
  });

  it('finds nothing in count_tokens bodies or malformed messages', () => {
    expect(anthropicToolHistory('count_tokens', { messages: [{ role: 'user', content: [result('x')] }] }).answered).toEqual([]);
    expect(anthropicToolHistory('messages', { messages: 'nope' }).turns).toEqual([]);
    expect(anthropicToolHistory('messages', { messages: [null, 3, { role: 'user', content: [result('toolu_9'), 'junk'] }] }).answered).toEqual(['toolu_9']);
  });
});
