import { describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { EXACT_CHARS_PER_ESTIMATE, estimateInputTokens, estimateTextTokens, estimateUsage } from './estimate.js';

describe('estimateTextTokens (o200k_base)', () => {
  it('matches known gpt-tokenizer counts', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('Hello, world!')).toBe(4);
    expect(estimateTextTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
    expect(estimateTextTokens('You are a helpful assistant.')).toBe(6);
  });

  it('counts special-token text as text instead of throwing', () => {
    expect(estimateTextTokens('a <|endoftext|> b')).toBe(9);
  });

  it('counts long prose in slices within 1 % of the exact count', () => {
    const prose = 'The quick brown fox jumps over the lazy dog, and then it writes some code. '.repeat(2_000);
    const exact = countTokens(prose);
    const estimate = estimateTextTokens(prose);
    expect(estimate).toBeGreaterThanOrEqual(exact);
    expect(estimate).toBeLessThanOrEqual(exact * 1.01);
  });

  // A long run without spaces is one BPE pre-token: unsliced, 256 Ki of them took ~18 s on one core.
  it('counts a 256 Ki-character run without spaces without stalling', { timeout: 10_000 }, () => {
    expect(estimateTextTokens('x'.repeat(262_144))).toBe(32_768);
  });
});

describe('estimates of huge inputs', () => {
  // Exact BPE over 64 Mi characters would block the event loop for seconds; past its budget an
  // estimate extrapolates at the ratio it measured, so its cost stays bounded whatever the input.
  it('count 2,048 embedding inputs of 32 Ki characters each in bounded time, close to the exact ratio', () => {
    const inputs = Array.from({ length: 2_048 }, (_, i) => `document ${i}: ` + 'The quick brown fox jumps over the lazy dog. '.repeat(728));
    const started = performance.now();
    const estimate = estimateInputTokens('embeddings', { input: inputs });
    expect(performance.now() - started).toBeLessThan(2_000);
    const perInput = countTokens(inputs[0]!);
    expect(estimate).toBeGreaterThan(perInput * 2_048 * 0.95);
    expect(estimate).toBeLessThan(perInput * 2_048 * 1.05);
  });

  it('extrapolate output text past the budget too', () => {
    const text = 'word '.repeat(4 * EXACT_CHARS_PER_ESTIMATE / 5);
    expect(estimateUsage('chat', { messages: [] }, text).output).toBeGreaterThan(0.95 * countTokens(text));
  });
});

describe('estimateInputTokens', () => {
  it('chat: reproduces the prompt_tokens OpenAI reports for its docs example (19)', () => {
    const body = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Hello!' },
      ],
    };
    // 3 priming + (3 + role 1 + 6) + (3 + role 1 + 2)
    expect(estimateInputTokens('chat', body)).toBe(19);
  });

  it('chat: content parts, names and images', () => {
    const body = {
      messages: [
        {
          role: 'user',
          name: 'Bob',
          content: [
            { type: 'text', text: 'Hello, world!' },
            { type: 'image_url', image_url: { url: 'data:...' } },
          ],
        },
      ],
    };
    // 3 priming + 3 + role 1 + name (1 + 1) + text 4 + image 85
    expect(estimateInputTokens('chat', body)).toBe(98);
  });

  it('chat: tool definitions count as their JSON', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(estimateInputTokens('chat', { messages: [], tools })).toBe(3 + 13);
  });

  it('completions: string and string[] prompts, token arrays by length', () => {
    expect(estimateInputTokens('text_completion', { prompt: 'hello world' })).toBe(2);
    expect(estimateInputTokens('text_completion', { prompt: ['hello world', 'Be brief.'] })).toBe(5);
    expect(estimateInputTokens('text_completion', { prompt: [1, 2, 3] })).toBe(3);
  });

  it('embeddings: input string, string[] and token arrays', () => {
    expect(estimateInputTokens('embeddings', { input: 'hello world' })).toBe(2);
    expect(estimateInputTokens('embeddings', { input: ['hello world', 'Hello, world!'] })).toBe(6);
    expect(estimateInputTokens('embeddings', { input: [[1, 2, 3], [4, 5]] })).toBe(5);
  });

  it('responses: string input plus instructions, and message items', () => {
    // input 7 + 3 per message + 3 priming; instructions 3
    expect(estimateInputTokens('responses', { input: 'What is the capital of France?', instructions: 'Be brief.' })).toBe(16);
    const items = [
      { role: 'user', content: [{ type: 'input_text', text: 'What is the capital of France?' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Paris is the capital of France.' }] },
    ];
    // 3 priming + (3 + 1 + 7) + (3 + 1 + 7)
    expect(estimateInputTokens('responses', { input: items })).toBe(25);
  });

  it('messages (Anthropic): system blocks, string and block content, tool calls and results, tools', () => {
    const body = {
      system: [{ type: 'text', text: 'You are a helpful assistant.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: 'Hello!' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hello, world!', signature: 'sig' }, { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Hello, world!' }] }, { type: 'image', source: {} }] },
      ],
    };
    // system 6; 3 priming + (3 + 1 + 2) + (3 + 1 + 4 + f 1 + {} 1) + (3 + 1 + 4 + 85)
    expect(estimateInputTokens('messages', body)).toBe(6 + 3 + 6 + 10 + 93);
    expect(estimateInputTokens('count_tokens', { system: 'Be brief.', messages: [] })).toBe(3 + 3);
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    expect(estimateInputTokens('messages', { messages: [], tools })).toBe(3 + estimateTextTokens(JSON.stringify(tools)));
  });

  it('unusable bodies count as zero', () => {
    expect(estimateInputTokens('chat', null)).toBe(0);
    expect(estimateInputTokens('chat', { messages: 'x' })).toBe(0);
  });
});

describe('estimateUsage', () => {
  it('marks the estimate and counts delivered text as output', () => {
    const body = { messages: [{ role: 'user', content: 'Hello!' }] };
    expect(estimateUsage('chat', body, 'Hello, world!')).toEqual({
      input: 9, cachedInput: 0, cacheWrite: 0, output: 4, reasoning: 0, source: 'estimated',
    });
  });

  it('keeps the prompt side the provider reported and estimates only the output', () => {
    const prompt = { input: 100, cachedInput: 40, cacheWrite: 10, cacheWrite1h: 4, output: 1, reasoning: 0, source: 'provider' as const };
    expect(estimateUsage('messages', { messages: [] }, 'Hello, world!', prompt)).toEqual({
      input: 100, cachedInput: 40, cacheWrite: 10, cacheWrite1h: 4, output: 4, reasoning: 0, source: 'estimated',
    });
  });

  it('embeddings never have output', () => {
    expect(estimateUsage('embeddings', { input: 'hello world' }, 'ignored')).toMatchObject({ input: 2, output: 0 });
  });
});
