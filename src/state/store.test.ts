import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RunningRedis } from '../../test/limits/redis-server.ts';
import { MemoryStore } from './memory.js';
import { RedisStore } from './redis.js';
import type { StateStore } from './store.js';

let redis: RunningRedis;
const stores: StateStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const store of stores) await store.close();
  await redis?.stop();
});

async function redisStore(prefix: string): Promise<StateStore> {
  let up!: () => void;
  const ready = new Promise<void>((resolve) => (up = resolve));
  const store = new RedisStore({ url: redis.url, policy: 'failClosed', keyPrefix: prefix, onHealthChange: (isUp) => isUp && up() });
  stores.push(store);
  await ready;
  return store;
}

const backends: Array<[string, (prefix: string) => Promise<StateStore>]> = [
  ['memory', async () => new MemoryStore()],
  ['redis', redisStore],
];

describe.each(backends)('the %s store', (_name, make) => {
  let store: StateStore;
  let n = 0;
  beforeAll(async () => {
    store = await make(`bw-test-${Math.random().toString(36).slice(2)}:`);
  });
  const key = (): string => `k${++n}`;

  it('admits what fits in a window and refuses the rest without counting it', async () => {
    const k = key();
    const spec = { limit: 3, windowMs: 60_000 };
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => store.counters.take(k, 1, spec, 'fits')));
    expect(results.filter((r) => r.admitted)).toHaveLength(3);
    expect((await store.counters.peek(k, spec)).used).toBe(3);
  });

  it('with the "below" rule admits while used is under the limit, then refuses', async () => {
    const k = key();
    const spec = { limit: 10, windowMs: 60_000 };
    expect((await store.counters.take(k, 6, spec, 'below')).admitted).toBe(true);
    expect((await store.counters.take(k, 6, spec, 'below')).used).toBe(12);
    expect((await store.counters.take(k, 1, spec, 'below')).admitted).toBe(false);
  });

  it('carries usage beyond the limit into the next windows instead of forgiving it', async () => {
    const k = key();
    const spec = { limit: 10, windowMs: 300 };
    const first = await store.counters.adjust(k, 25, spec);
    expect(first.used).toBe(25);
    await sleep(first.resetMs + 20);
    expect((await store.counters.peek(k, spec)).used).toBe(15);
    expect((await store.counters.take(k, 1, spec, 'fits')).admitted).toBe(false);
    await sleep(320);
    expect((await store.counters.peek(k, spec)).used).toBe(5);
  });

  it('gives points back only into the window they were taken from', async () => {
    const k = key();
    const spec = { limit: 100, windowMs: 60_000 };
    const taken = await store.counters.take(k, 40, spec, 'fits');
    expect((await store.counters.adjust(k, -10, spec, taken.windowStart)).used).toBe(30);
    expect((await store.counters.adjust(k, -10, spec, taken.windowStart - 1)).used).toBe(30);
  });

  it('holds at most `limit` leases, frees released ones, and lets expired ones lapse', async () => {
    const k = key();
    const a = await store.leases.acquire(k, 2, 60_000);
    const b = await store.leases.acquire(k, 2, 300);
    expect(a).toBeDefined();
    expect(b).toBeDefined();
    expect(await store.leases.acquire(k, 2, 60_000)).toBeUndefined();
    await store.leases.release(k, a!);
    const c = await store.leases.acquire(k, 2, 60_000);
    expect(c).toBeDefined();
    expect(await store.leases.renew(k, c!, 60_000)).toBe(true);
    await sleep(350);
    expect(await store.leases.count(k)).toBe(1);
    expect(await store.leases.renew(k, b!, 60_000)).toBe(false);
  });

  it('keeps records with expiry and set-if-absent', async () => {
    const records = store.records('test');
    const k = key();
    expect(await records.set(k, 'one', { ifAbsent: true })).toBe(true);
    expect(await records.set(k, 'two', { ifAbsent: true })).toBe(false);
    expect(await records.get(k)).toBe('one');
    const short = key();
    await records.set(short, 'x', { ttlMs: 100 });
    await sleep(150);
    expect(await records.get(short)).toBeUndefined();
    expect(await records.delete(k)).toBe(true);
    expect(await records.delete(k)).toBe(false);
  });

  it('updates hashes atomically: increments, sets, and sets only where absent', async () => {
    const k = key();
    await Promise.all([1, 2, 3].map((i) => store.hashes.update(k, { incr: { calls: 1, tokens: i }, set: { last: String(i) }, setIfAbsent: { first: String(i) }, ttlMs: 60_000 })));
    const hash = await store.hashes.get(k);
    expect(hash).toMatchObject({ calls: '3', tokens: '6' });
    expect(['1', '2', '3']).toContain(hash!.first);
    expect(await store.hashes.get(key())).toBeUndefined();
  });

  it('ranges indexes by score and lets exactly one caller claim a member', async () => {
    const k = key();
    await store.indexes.add(k, 'a', 10);
    await store.indexes.add(k, 'b', 20);
    await store.indexes.add(k, 'c', 30);
    expect((await store.indexes.range(k, 0, 25, 10)).map((e) => e.member)).toEqual(['a', 'b']);
    const claims = await Promise.all([store.indexes.remove(k, 'a'), store.indexes.remove(k, 'a')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

describe('a memory store index past its bound', () => {
  it('lets the oldest members go from the index, and an expired-members claim still finds each once', async () => {
    const store = new MemoryStore({ maxIndexMembers: 3 });
    for (let i = 1; i <= 8; i++) await store.indexes.add('runs', `m${i}`, 1_000 + i);
    // The three newest stay with their scores; the squeezed ones are kept (bounded) with score 0.
    expect((await store.indexes.range('runs', 1_000, Infinity, 10)).map((e) => e.member)).toEqual(['m6', 'm7', 'm8']);
    const expired = (await store.indexes.range('runs', -Infinity, 500, 10)).map((e) => e.member);
    expect(expired).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    for (const member of expired) expect(await store.indexes.remove('runs', member)).toBe(true);
    expect(await store.indexes.remove('runs', 'm1')).toBe(false);
    // A squeezed member added again is not new (one run, one start).
    expect(await store.indexes.add('runs', 'm7', 2_000)).toBe(false);
  });
});

describe('a Redis store under failOpen', () => {
  it('when Redis goes down, then counters continue from the last value seen, and hand what they counted back', async () => {
    let upCount = 0;
    const store = new RedisStore({ url: redis.url, policy: 'failOpen', keyPrefix: 'bw-failopen:', onHealthChange: (up) => (upCount += up ? 1 : 0) });
    stores.push(store);
    while (upCount === 0) await sleep(10);
    const spec = { limit: 10, windowMs: 600_000 };
    expect((await store.counters.take('spent', 10, spec, 'below')).admitted).toBe(true);
    await redis.kill();
    expect((await store.counters.take('spent', 1, spec, 'below')).admitted).toBe(false);
    expect((await store.counters.take('fresh', 3, spec, 'below')).admitted).toBe(true);
    await expect.poll(() => store.health().up).toBe(false);
    await redis.restart();
    while (upCount < 2) await sleep(20);
    await sleep(100);
    expect((await store.counters.peek('fresh', spec)).used).toBe(3);
  });
});
