import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { responseModelFromJson, usageFromJson } from './extract.js';
import type { Operation } from './types.js';

describe('usageFromJson', () => {
  it('chat with cached input and reasoning: disjoint buckets', () => {
    const body = {
      model: 'o4-mini-2025-04-16',
      usage: {
        prompt_tokens: 1200,
        completion_tokens: 500,
        total_tokens: 1700,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 320, audio_tokens: 0 },
      },
    };
    expect(usageFromJson('chat', body)).toEqual({
      input: 176,
      cachedInput: 1024,
      cacheWrite: 0,
      output: 180,
      reasoning: 320,
      source: 'provider',
    });
  });

  it('text completion without details', () => {
    expect(usageFromJson('text_completion', { usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } })).toEqual({
      input: 5, cachedInput: 0, cacheWrite: 0, output: 7, reasoning: 0, source: 'provider',
    });
  });

  it('responses shape', () => {
    const body = {
      object: 'response',
      model: 'gpt-5-2025-08-07',
      usage: {
        input_tokens: 328,
        input_tokens_details: { cached_tokens: 128 },
        output_tokens: 52,
        output_tokens_details: { reasoning_tokens: 40 },
        total_tokens: 380,
      },
    };
    expect(usageFromJson('responses', body)).toEqual({
      input: 200, cachedInput: 128, cacheWrite: 0, output: 12, reasoning: 40, source: 'provider',
    });
  });

  it('responses terminal stream event wrapping the response', () => {
    const ev = { type: 'response.completed', response: { usage: { input_tokens: 10, output_tokens: 3 } } };
    expect(usageFromJson('responses', ev)).toMatchObject({ input: 10, output: 3 });
  });

  it('embeddings: prompt tokens only', () => {
    const body = { object: 'list', data: [], model: 'text-embedding-3-small', usage: { prompt_tokens: 8, total_tokens: 8 } };
    expect(usageFromJson('embeddings', body)).toEqual({
      input: 8, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, source: 'provider',
    });
  });

  it('OpenRouter cache writes inside prompt_tokens_details', () => {
    const body = {
      usage: {
        prompt_tokens: 194,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 50, cache_write_tokens: 100, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    };
    expect(usageFromJson('chat', body)).toEqual({
      input: 44, cachedInput: 50, cacheWrite: 100, output: 2, reasoning: 0, source: 'provider',
    });
  });

  it('LiteLLM top-level cache_creation_input_tokens included in prompt_tokens', () => {
    const body = {
      usage: {
        prompt_tokens: 2006,
        completion_tokens: 300,
        prompt_tokens_details: { cached_tokens: 1000 },
        cache_creation_input_tokens: 900,
        cache_read_input_tokens: 1000,
      },
    };
    expect(usageFromJson('chat', body)).toMatchObject({ input: 106, cachedInput: 1000, cacheWrite: 900 });
  });

  it('a cache-write count larger than the uncached rest is taken as excluded from prompt_tokens', () => {
    const body = {
      usage: {
        prompt_tokens: 31,
        completion_tokens: 467,
        prompt_tokens_details: { cached_tokens: 0 },
        cache_creation_input_tokens: 1253,
      },
    };
    expect(usageFromJson('chat', body)).toMatchObject({ input: 31, cachedInput: 0, cacheWrite: 1253, output: 467 });
  });

  it('responses-style cache_creation_tokens detail', () => {
    const body = { usage: { input_tokens: 300, input_tokens_details: { cached_tokens: 100, cache_creation_tokens: 150 }, output_tokens: 1 } };
    expect(usageFromJson('responses', body)).toMatchObject({ input: 50, cachedInput: 100, cacheWrite: 150 });
  });

  it('missing or null usage gives undefined', () => {
    expect(usageFromJson('chat', { id: 'x', choices: [] })).toBeUndefined();
    expect(usageFromJson('chat', { usage: null })).toBeUndefined();
    expect(usageFromJson('chat', { usage: {} })).toBeUndefined();
    expect(usageFromJson('chat', null)).toBeUndefined();
    expect(usageFromJson('chat', 'usage')).toBeUndefined();
  });

  it('clamps negatives and inconsistent sub-counts', () => {
    const body = {
      usage: {
        prompt_tokens: -5,
        completion_tokens: 10,
        prompt_tokens_details: { cached_tokens: 7 },
        completion_tokens_details: { reasoning_tokens: 25 },
      },
    };
    expect(usageFromJson('chat', body)).toEqual({
      input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 10, source: 'provider',
    });
  });

  const ops: Operation[] = ['chat', 'text_completion', 'embeddings', 'responses'];
  const numberish = fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER));
  const usageLike = fc.record(
    {
      prompt_tokens: numberish, completion_tokens: numberish, input_tokens: numberish, output_tokens: numberish,
      cache_creation_input_tokens: numberish, cache_read_input_tokens: numberish,
      prompt_tokens_details: fc.oneof(fc.constant(null), fc.record({ cached_tokens: numberish, cache_write_tokens: numberish }, { requiredKeys: [] })),
      completion_tokens_details: fc.oneof(fc.constant(null), fc.record({ reasoning_tokens: numberish }, { requiredKeys: [] })),
      input_tokens_details: fc.record({ cached_tokens: numberish, cache_creation_tokens: numberish }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );
  const body = fc.oneof(fc.jsonValue(), fc.record({ usage: fc.oneof(usageLike, fc.jsonValue()) }), fc.record({ response: fc.record({ usage: usageLike }) }));

  it('property: never throws, never returns negative or fractional buckets', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ops), body, (op, b) => {
        const u = usageFromJson(op, b);
        if (u === undefined) return;
        for (const k of ['input', 'cachedInput', 'cacheWrite', 'output', 'reasoning'] as const) {
          expect(Number.isInteger(u[k])).toBe(true);
          expect(u[k]).toBeGreaterThanOrEqual(0);
        }
        expect(u.source).toBe('provider');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('responseModelFromJson', () => {
  it('reads model from a body or a wrapped response', () => {
    expect(responseModelFromJson({ model: 'gpt-4o-2024-08-06' })).toBe('gpt-4o-2024-08-06');
    expect(responseModelFromJson({ type: 'response.completed', response: { model: 'gpt-5' } })).toBe('gpt-5');
    expect(responseModelFromJson({ model: '' })).toBeUndefined();
    expect(responseModelFromJson([])).toBeUndefined();
  });
});
