import { describe, expect, it } from 'vitest';
import { safeUrl } from './safe-url.js';

describe('safeUrl', () => {
  it('keeps an ordinary URL as it is', () => {
    expect(safeUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
  });

  it('replaces userinfo and query values, keeping their names', () => {
    expect(safeUrl('https://user:sk-secret@example.test/v1?api-version=2024&key=sk-123')).toBe('https://redacted:redacted@example.test/v1?api-version=redacted&key=redacted');
  });

  it('never echoes what it cannot parse', () => {
    expect(safeUrl('not a url sk-123')).toBe('(unparseable)');
  });
});
