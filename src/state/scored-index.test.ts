import { describe, expect, it } from 'vitest';
import { ScoredIndex } from './scored-index.js';

describe('ScoredIndex', () => {
  it('keeps a member re-added many times once, with its last score, without growing', () => {
    const index = new ScoredIndex(100);
    for (let t = 1; t <= 50_000; t++) index.add(`m${t % 3}`, t);
    expect(index.range(-Infinity, Infinity, 10)).toEqual([
      { member: 'm0', score: 49_998 },
      { member: 'm1', score: 49_999 },
      { member: 'm2', score: 50_000 },
    ]);
    // The queue of adds is compacted: what it holds is bounded by the live members, not by the adds.
    expect((index as unknown as { members: { queue: unknown[] } }).members.queue.length).toBeLessThan(2_000);
  });

  it('past its bound, lets go of the adds it consumed (memory does not grow with the number of members ever added)', () => {
    const index = new ScoredIndex(100);
    for (let t = 1; t <= 50_000; t++) index.add(`m${t}`, t);
    expect((index as unknown as { members: { queue: unknown[] } }).members.queue.length).toBeLessThan(2_000);
  });

  it('finds the expired members first and stops scanning where scores pass the bound', () => {
    const index = new ScoredIndex(1_000);
    for (let t = 0; t < 1_000; t++) index.add(`m${t}`, t * 1_000);
    expect(index.range(-Infinity, 4_500, 100).map((e) => e.member)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(index.range(-Infinity, Infinity, 3).map((e) => e.member)).toEqual(['m0', 'm1', 'm2']);
  });
});
