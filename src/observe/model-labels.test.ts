import { describe, expect, it } from 'vitest';
import { ModelLabels, modelsNamedInRoutes } from './model-labels.js';

describe('ModelLabels', () => {
  it('keeps known models, collapses the rest to other, and gives "" for no model', () => {
    const labels = new ModelLabels(['gpt-4o', 'gpt-4o-mini']);
    expect(labels.of('gpt-4o')).toBe('gpt-4o');
    expect(labels.of('gpt-4o-2024-08-06')).toBe('other');
    expect(labels.of(undefined)).toBe('');
  });

  it('takes exact route patterns and renamed targets, never globs', () => {
    const routes = [
      { match: 'gpt-4o*', targets: [{ upstream: 'a' }, { upstream: 'b', model: 'gpt-4o-eu' }] },
      { match: 'llama-3', targets: [{ upstream: 'c' }] },
    ];
    expect(modelsNamedInRoutes(routes)).toEqual(['gpt-4o-eu', 'llama-3']);
  });
});
