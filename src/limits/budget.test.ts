import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../state/memory.js';
import { DailyBudget, secondsToUtcMidnight, utcDay } from './budget.js';

describe('DailyBudget', () => {
  it('charges costs per UTC day in micro-dollars', async () => {
    const budget = new DailyBudget(new MemoryStore().counters, 1);
    const day1 = new Date('2025-03-01T23:59:59Z');
    const day2 = new Date('2025-03-02T00:00:01Z');
    expect(await budget.spent('k', day1)).toBe(0);
    expect(await budget.charge('k', 0.2, day1)).toBeCloseTo(0.2, 9);
    expect(await budget.charge('k', 0.0000001, day1)).toBeCloseTo(0.200001, 9); // a tiny cost still counts (rounded up)
    expect(await budget.charge('k', 0.9, day1)).toBeCloseTo(1.100001, 9); // past the budget: charged, never refused
    expect(await budget.spent('k', day2)).toBe(0);
  });
});

describe('UTC day helpers', () => {
  it('name the day and count the seconds to its end', () => {
    expect(utcDay(new Date('2025-03-01T23:59:59Z'))).toBe('2025-03-01');
    expect(secondsToUtcMidnight(new Date('2025-03-01T23:59:00Z'))).toBe(60);
    expect(secondsToUtcMidnight(new Date('2025-03-01T00:00:00Z'))).toBe(86_400);
  });
});
