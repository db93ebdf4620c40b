import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../state/memory.js';
import { WindowLimit } from './limiters.js';

function limit(points: number): WindowLimit {
  return new WindowLimit(new MemoryStore().counters, 'test', points, 60_000);
}

describe('WindowLimit', () => {
  it('admits exactly `limit` points under parallel load', async () => {
    const rpm = limit(50);
    const takes = await Promise.all(Array.from({ length: 500 }, () => rpm.take('k', 1)));
    expect(takes.filter((t) => t.admitted)).toHaveLength(50);
    expect(takes.filter((t) => !t.admitted).every((t) => t.state.remaining === 0 && t.state.resetMs > 0)).toBe(true);
  });

  it('settles a reservation to real usage: surplus given back, shortfall charged', async () => {
    const tpm = limit(10_000);
    const big = await tpm.take('k', 5_000);
    await tpm.settle('k', big, 1_000);
    expect((await tpm.take('k', 1)).state.remaining).toBe(10_000 - 1_000 - 1);
    const small = await tpm.take('k', 10);
    await tpm.settle('k', small, 1_000);
    expect((await tpm.take('k', 1)).state.remaining).toBe(10_000 - 1_000 - 1 - 1_000 - 1);
  });

  it('gives nothing back once the window the points were taken in is over', async () => {
    const tpm = limit(100);
    const taken = await tpm.take('k', 60);
    await tpm.giveBack('k', 60, taken.windowStart - 60_000);
    expect((await tpm.take('k', 1)).state.remaining).toBe(39);
    expect(taken.admitted).toBe(true);
  });
});
