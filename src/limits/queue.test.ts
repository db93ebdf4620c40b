import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { MemoryStore } from '../state/memory.js';
import type { Leases } from '../state/store.js';
import { ConcurrencyGate, parsePriority } from './queue.js';

const never = new AbortController().signal;

function gate(limit: number, maxQueue: number, leases: Leases = new MemoryStore().leases, leaseTtlMs = 60_000): { gate: ConcurrencyGate; depths: number[]; waits: number[]; refused: { count: number } } {
  const depths: number[] = [];
  const waits: number[] = [];
  const refused = { count: 0 };
  const options = { key: 'k', limit, maxQueue, leases, leaseTtlMs, onDepth: (d: number) => depths.push(d), onWaited: (s: number) => waits.push(s), onRefused: () => (refused.count += 1), onLeasesLost: () => undefined };
  return { gate: new ConcurrencyGate(options), depths, waits, refused };
}

describe('ConcurrencyGate', () => {
  it('never admits more than its limit under parallel load, and serves everyone', async () => {
    const { gate: g } = gate(3, 1_000);
    let active = 0;
    let peak = 0;
    const work = Array.from({ length: 200 }, async () => {
      const release = await g.acquire(5, 10_000, never);
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      active -= 1;
      release();
    });
    await Promise.all(work);
    expect(peak).toBe(3);
    expect(g.inFlight).toBe(0);
    expect(g.depth).toBe(0);
  });

  it('hands a freed slot to the lowest priority number first, then in arrival order', async () => {
    const { gate: g, depths } = gate(1, 10);
    const first = await g.acquire(5, 1_000, never);
    const order: string[] = [];
    const wait = (name: string, priority: number) => g.acquire(priority, 1_000, never).then((release) => { order.push(name); release(); });
    const all = [wait('late', 9), wait('a', 5), wait('urgent', 0), wait('b', 5)];
    await expect.poll(() => g.depth).toBe(4);
    expect(depths.at(-1)).toBe(4);
    first();
    await Promise.all(all);
    expect(order).toEqual(['urgent', 'a', 'b', 'late']);
    expect(depths.at(-1)).toBe(0);
  });

  it('refuses at once when the queue is full, and after maxWait when no slot frees', async () => {
    const { gate: g, refused } = gate(1, 1);
    const held = await g.acquire(5, 1_000, never);
    const waiting = g.acquire(5, 50, never);
    await expect(g.acquire(5, 1_000, never)).rejects.toMatchObject({ code: 'queue_full' });
    await expect(waiting).rejects.toMatchObject({ code: 'queue_timeout' });
    expect(refused.count).toBe(2);
    expect(g.depth).toBe(0);
    held();
    held(); // releasing twice frees one slot only
    expect(g.inFlight).toBe(0);
  });

  it('drops a waiter whose client went away', async () => {
    const { gate: g } = gate(1, 5);
    const held = await g.acquire(5, 1_000, never);
    const controller = new AbortController();
    const waiting = g.acquire(5, 1_000, controller.signal);
    controller.abort();
    const error: unknown = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('client_closed');
    expect(g.depth).toBe(0);
    held();
    expect(g.inFlight).toBe(0);
  });
});

describe('ConcurrencyGate on shared leases (two replicas, one store)', () => {
  it('never admits more than the limit across both, and a waiter on one gets a slot freed on the other', async () => {
    const leases = new MemoryStore().leases;
    const a = gate(2, 100, leases).gate;
    const b = gate(2, 100, leases).gate;
    let active = 0;
    let peak = 0;
    const work = Array.from({ length: 40 }, async (_, i) => {
      const release = await (i % 2 === 0 ? a : b).acquire(5, 10_000, never);
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      active -= 1;
      release();
    });
    await Promise.all(work);
    expect(peak).toBe(2);
    expect(await leases.count('k')).toBe(0);

    const held = await a.acquire(5, 1_000, never);
    const heldToo = await a.acquire(5, 1_000, never);
    const { gate: other, waits } = gate(2, 10, leases);
    const waiting = other.acquire(5, 5_000, never);
    setTimeout(held, 100);
    const release = await waiting;
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(0.09);
    release();
    heldToo();
  });

  it('renews held slots while their request runs, so they outlive their TTL only while held', async () => {
    const leases = new MemoryStore().leases;
    const { gate: a } = gate(1, 10, leases, 150);
    const release = await a.acquire(5, 1_000, never);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await leases.count('k')).toBe(1);
    release();
    await expect.poll(() => leases.count('k')).toBe(0);
  });
});

describe('parsePriority', () => {
  it('takes an integer 0-9 and defaults anything else to 5', () => {
    expect(parsePriority('0')).toBe(0);
    expect(parsePriority(' 9 ')).toBe(9);
    expect(parsePriority(['3', '7'])).toBe(3);
    for (const bad of [undefined, '', '10', '-1', '2.5', 'high']) expect(parsePriority(bad)).toBe(5);
  });
});
