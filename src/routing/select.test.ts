import { describe, expect, it } from 'vitest';
import type { RouteTarget } from '../pipeline/context.js';
import { drawByWeight, orderPlan, type TargetSignals } from './select.js';

const A: RouteTarget = { upstream: 'a', model: 'm', weight: 3 };
const B: RouteTarget = { upstream: 'b', model: 'm', weight: 1 };
const C: RouteTarget = { upstream: 'c', model: 'm', weight: 0 };

function signals(unhealthy: string[] = [], inflight: Record<string, number> = {}): TargetSignals {
  return { healthy: (upstream) => !unhealthy.includes(upstream), inflight: (upstream) => inflight[upstream] ?? 0 };
}

const names = (plan: readonly RouteTarget[]): string[] => plan.map((target) => target.upstream);

describe('orderPlan', () => {
  it('when the strategy is fallback, then the configured order stands, open circuits included', () => {
    expect(names(orderPlan('fallback', [A, B, C], signals(['a']), () => 0.99))).toEqual(['a', 'b', 'c']);
  });

  it('when a fallback route has a healthy pin, then the pin goes first and the rest keep their order', () => {
    expect(names(orderPlan('fallback', [A, B, C], signals(), () => 0, 'c'))).toEqual(['c', 'a', 'b']);
    expect(names(orderPlan('fallback', [A, B, C], signals(['c']), () => 0, 'c'))).toEqual(['a', 'b', 'c']);
  });

  it('when weighted, then the draw follows the weights and the other targets follow in configured order', () => {
    expect(names(orderPlan('weighted', [A, B, C], signals(), () => 0))).toEqual(['a', 'b', 'c']);
    expect(names(orderPlan('weighted', [A, B, C], signals(), () => 0.74))).toEqual(['a', 'b', 'c']);
    expect(names(orderPlan('weighted', [A, B, C], signals(), () => 0.76))).toEqual(['b', 'a', 'c']);
  });

  it('when a weighted target is unhealthy, then it is never first but stays the last fallback', () => {
    for (const draw of [0, 0.5, 0.99]) expect(names(orderPlan('weighted', [A, B, C], signals(['a']), () => draw))).toEqual(['b', 'c', 'a']);
  });

  it('when every target is unhealthy, then the configured order is tried', () => {
    expect(names(orderPlan('weighted', [A, B], signals(['a', 'b']), () => 0.9))).toEqual(['a', 'b']);
  });

  it('when least-inflight, then the least loaded goes first and the others follow by load', () => {
    expect(names(orderPlan('least-inflight', [A, B, C], signals([], { a: 4, b: 1, c: 2 }), () => 0))).toEqual(['b', 'c', 'a']);
  });

  it('when least-inflight targets tie, then the tie is drawn by weight', () => {
    expect(names(orderPlan('least-inflight', [A, B], signals([], { a: 1, b: 1 }), () => 0.9))).toEqual(['b', 'a']);
    expect(names(orderPlan('least-inflight', [A, B], signals([], { a: 1, b: 1 }), () => 0.1))).toEqual(['a', 'b']);
  });

  it('when a run is pinned to a healthy target, then it goes first whatever the strategy draws', () => {
    expect(names(orderPlan('weighted', [A, B], signals(), () => 0, 'b'))).toEqual(['b', 'a']);
    expect(names(orderPlan('weighted', [A, B], signals(['b']), () => 0.9, 'b'))).toEqual(['a', 'b']);
  });
});

describe('drawByWeight', () => {
  it('when weights are 3 and 1, then three draws in four pick the first', () => {
    let first = 0;
    for (let i = 0; i < 1000; i++) if (drawByWeight([A, B], () => i / 1000) === A) first++;
    expect(first).toBe(750);
  });

  it('when a weight is 0, then that target is never drawn', () => {
    for (let i = 0; i < 100; i++) expect(drawByWeight([C, B], () => i / 100)).toBe(B);
  });
});
