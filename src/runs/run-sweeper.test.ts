import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../state/memory.js';
import { RunStore } from './run-store.js';
import { RunSweeper } from './run-sweeper.js';

const IDLE_MS = 60_000;
const quiet = { warn: () => undefined };
const call = { reachedUpstream: true, failed: false, model: 'm', usage: undefined, costUsd: 0.5, loop: false, toolCallIds: [], responseId: undefined };

describe('the run sweeper', () => {
  it('ends every idle run in one sweep, thousands of them, each once, with its totals', async () => {
    const store = new RunStore(new MemoryStore(), IDLE_MS);
    for (let i = 0; i < 1_200; i++) await store.record('team', { id: `r${i}`, source: 'new' }, call, 1_000);
    const ended: Array<{ key: string; calls: number | undefined }> = [];
    const sweeper = new RunSweeper(store, { runEnded: (key, run) => void ended.push({ key, calls: run?.calls }) }, quiet);
    await sweeper.sweep(1_000 + IDLE_MS - 1);
    expect(ended).toHaveLength(0);
    await sweeper.sweep(1_000 + IDLE_MS + 1);
    expect(ended).toHaveLength(1_200);
    expect(ended.every((run) => run.key === 'team' && run.calls === 1)).toBe(true);
    await sweeper.sweep(1_000 + IDLE_MS + 2);
    expect(ended).toHaveLength(1_200);
  });

  it('still ends a run the bounded in-process store squeezed out, so the active gauge returns to 0', async () => {
    const store = new RunStore(new MemoryStore({ maxIndexMembers: 10 }), IDLE_MS);
    for (let i = 0; i < 25; i++) await store.record('team', { id: `r${i}`, source: 'new' }, call, 1_000 + i);
    let active = 25;
    const sweeper = new RunSweeper(store, { runEnded: () => void (active -= 1) }, quiet);
    await sweeper.sweep(1_000 + 25 + IDLE_MS + 1);
    // 10 in the index; the 15 squeezed out end early, at the next sweep, each once.
    expect(active).toBe(0);
  });
});
