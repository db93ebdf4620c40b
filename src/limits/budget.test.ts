import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../state/memory.js';
import { DailyBudget, secondsToUtcMidnight, utcDay } from './budget.js';

describe('DailyBudget', () => {
  it('reserves an estimate while spend is below the budget, then settles to the real cost, per UTC day', async () => {
    const budget = new DailyBudget(new MemoryStore().counters, 1);
    const day1 = new Date('2025-03-01T23:59:59Z');
    const day2 = new Date('2025-03-02T00:00:01Z');
    const first = await budget.reserve('k', 0.6, day1);
    expect(first).toMatchObject({ admitted: true, spentUsd: 0.6 });
    const second = await budget.reserve('k', 0.6, day1); // 0.6 is below 1: admitted, may pass the budget
    expect(second).toMatchObject({ admitted: true, spentUsd: 1.2 });
    expect(await budget.reserve('k', 0.01, day1)).toMatchObject({ admitted: false, spentUsd: 1.2 });
    expect(await budget.settle(first, 0.2)).toBeCloseTo(0.8, 9); // surplus given back
    expect(await budget.settle(second, 0.0000001)).toBeCloseTo(0.200001, 9); // a tiny cost still counts (rounded up)
    expect((await budget.reserve('k', 0, day1)).admitted).toBe(true);
    expect(await budget.spent('k', day2)).toBe(0);
  });

  it('charges a cost beyond the reservation in full: the work is done', async () => {
    const budget = new DailyBudget(new MemoryStore().counters, 1);
    const reservation = await budget.reserve('k', 0.1);
    expect(await budget.settle(reservation, 1.5)).toBeCloseTo(1.5, 9);
    expect((await budget.reserve('k', 0)).admitted).toBe(false);
  });
});

describe('UTC day helpers', () => {
  it('name the day and count the seconds to its end', () => {
    expect(utcDay(new Date('2025-03-01T23:59:59Z'))).toBe('2025-03-01');
    expect(secondsToUtcMidnight(new Date('2025-03-01T23:59:00Z'))).toBe(60);
    expect(secondsToUtcMidnight(new Date('2025-03-01T00:00:00Z'))).toBe(86_400);
  });
});
