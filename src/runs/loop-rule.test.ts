import { describe, expect, it } from 'vitest';
import { loopLength } from './loop-rule.js';

const call = 'read_file {"path":"a.txt"}';

describe('loopLength', () => {
  it('counts the trailing turns that make the same tool call, when they reach the threshold', () => {
    expect(loopLength([call, call, call, call, call], 5)).toBe(5);
    expect(loopLength(['other', call, call, call, call, call, call], 5)).toBe(6);
  });

  it('is no loop below the threshold, when the streak is broken, or when the last turn made no call', () => {
    expect(loopLength([call, call, call, call], 5)).toBeUndefined();
    expect(loopLength([call, call, 'other', call, call, call], 5)).toBeUndefined();
    expect(loopLength([call, call, call, call, call, ''], 5)).toBeUndefined();
    expect(loopLength([], 5)).toBeUndefined();
  });
});
