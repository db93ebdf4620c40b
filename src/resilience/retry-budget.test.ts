import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';

const T0 = 1_700_000_000_000;

function spend(budget: RetryBudget, now: number): number {
  let granted = 0;
  while (budget.hasRoom(now)) {
    budget.recordRetry(now);
    granted += 1;
    if (granted > 1_000) throw new Error('unbounded budget');
  }
  return granted;
}

describe('RetryBudget', () => {
  it('allows the floor of retries when there were no requests', () => {
    expect(spend(new RetryBudget(0.2, 3), T0)).toBe(3);
  });

  it('allows floor + ratio * requests over the window', () => {
    const budget = new RetryBudget(0.2, 3);
    for (let i = 0; i < 50; i++) budget.recordRequest(T0 + i * 100);
    expect(spend(budget, T0 + 5_000)).toBe(3 + 10);
  });

  it('asking does not spend: a turned-down retry leaves the budget intact', () => {
    const budget = new RetryBudget(0, 2);
    for (let i = 0; i < 10; i++) expect(budget.hasRoom(T0)).toBe(true);
    expect(spend(budget, T0)).toBe(2);
  });

  it('forgets requests and retries older than the window', () => {
    const budget = new RetryBudget(0, 1, 10);
    expect(spend(budget, T0)).toBe(1);
    expect(budget.hasRoom(T0 + 9_000)).toBe(false);
    expect(budget.hasRoom(T0 + 10_000)).toBe(true);
  });

  it('a ratio of 0 leaves only the floor, however many requests', () => {
    const budget = new RetryBudget(0, 3);
    for (let i = 0; i < 100; i++) budget.recordRequest(T0);
    expect(spend(budget, T0)).toBe(3);
  });

  it('survives a jump far into the future without stale counts', () => {
    const budget = new RetryBudget(0.5, 0, 5);
    for (let i = 0; i < 4; i++) budget.recordRequest(T0);
    expect(spend(budget, T0)).toBe(2);
    expect(budget.hasRoom(T0 + 3_600_000)).toBe(false);
    budget.recordRequest(T0 + 3_600_000);
    budget.recordRequest(T0 + 3_600_000);
    expect(spend(budget, T0 + 3_600_000)).toBe(1);
  });
});
