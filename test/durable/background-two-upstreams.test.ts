import { beforeAll, describe, expect, it } from 'vitest';
import { readSseEvents } from '../fixtures/sse.ts';
import { accessLines, fakeUpstream, gatewayProcess, hashKey, KEY_A, KEY_B, keyedConfig, metric, send, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let home: FakeUpstream;
let other: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  home = await fakeUpstream();
  other = await fakeUpstream();
  // The default upstream is `fake` (home); this model is served by `fake2` (other).
  gw = await gatewayProcess({
    config: keyedConfig([home, other], {
      routes: [{ match: 'gpt-4o-mini', targets: [{ upstream: 'fake2' }] }],
      keys: [{ name: KEY_A.name, hash: hashKey(KEY_A.secret), limits: { dailyBudgetUsd: 10, tpm: 1_000_000 } }, { name: KEY_B.name, hash: hashKey(KEY_B.secret) }],
    }),
  });
});

const tokens = (): Promise<number> => metric(gw, 'breakwater_tokens_total');
const linesFor = (path: string): Array<Record<string, unknown>> => accessLines(gw).filter((line) => line.path === path);
const seenBy = (fake: FakeUpstream, method: string, path: string): number => fake.requests.filter((r) => r.method === method && r.path.startsWith(path)).length;

describe('when a background response is made on a non-default upstream', () => {
  it('then its retrieve, cancel and delete reach that upstream, and its usage is counted once, when first seen completed', async () => {
    const created = await send(gw, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'a long task', background: true } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ status: 'queued', background: true });
    const id = created.json.id as string;
    await until(() => linesFor('/responses').length === 1, 'the create access line');
    // The queued create counts no tokens, estimated or not.
    expect(linesFor('/responses')[0]).toMatchObject({ status: 200, upstream: 'fake2' });
    expect(linesFor('/responses')[0]?.tokens).toBeUndefined();
    expect(await tokens()).toBe(0);

    const retrieved = await send(gw, 'GET', `/v1/responses/${id}`);
    expect(retrieved.status).toBe(200);
    expect(retrieved.json).toMatchObject({ id, status: 'completed', background: true });
    expect(seenBy(other, 'GET', `/v1/responses/${id}`)).toBe(1);
    expect(seenBy(home, 'GET', `/v1/responses/${id}`)).toBe(0);
    await until(() => linesFor(`/responses/${id}`).length === 1, 'the retrieve access line');
    expect(linesFor(`/responses/${id}`)[0]).toMatchObject({ status: 200, usage_source: 'provider', tokens: { input: 12, output: 20 } });
    expect(await tokens()).toBe(32);
    expect(await metric(gw, 'breakwater_tokens_total', { model: 'gpt-4o-mini', upstream: 'fake2', key: 'team-a', type: 'output', usage_source: 'provider' })).toBe(20);
    // The key's daily budget is charged then too (its create reserved, then settled to nothing).
    const cost = linesFor(`/responses/${id}`)[0]?.cost_usd as number;
    expect(cost).toBeGreaterThan(0);
    // Budgets count whole micro-dollars, rounded up.
    expect(await metric(gw, 'breakwater_budget_spent_usd', { key: 'team-a' })).toBe(Math.ceil(cost * 1e6) / 1e6);

    // Seen completed again: not counted again.
    await send(gw, 'GET', `/v1/responses/${id}`);
    await until(() => linesFor(`/responses/${id}`).length === 2, 'the second retrieve access line');
    expect(linesFor(`/responses/${id}`)[1]?.tokens).toBeUndefined();
    expect(await tokens()).toBe(32);

    const resumed = await send(gw, 'GET', `/v1/responses/${id}?stream=true&starting_after=2`);
    expect(resumed.status).toBe(200);
    expect(other.requests.some((r) => r.path === `/v1/responses/${id}?stream=true&starting_after=2`)).toBe(true);

    expect((await send(gw, 'POST', `/v1/responses/${id}/cancel`)).status).toBe(200);
    expect(seenBy(other, 'POST', `/v1/responses/${id}/cancel`)).toBe(1);
    expect((await send(gw, 'DELETE', `/v1/responses/${id}`)).status).toBe(200);
    expect(seenBy(other, 'DELETE', `/v1/responses/${id}`)).toBe(1);
    expect(home.requests.filter((r) => r.path.startsWith('/v1/responses/'))).toHaveLength(0);
  });

  it('then another key still gets 404 without any upstream being called', async () => {
    const created = await send(gw, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'mine', background: true } });
    const id = created.json.id as string;
    const before = other.requests.length + home.requests.length;
    const theirs = await send(gw, 'GET', `/v1/responses/${id}`, { secret: KEY_B.secret });
    expect(theirs.status).toBe(404);
    expect(other.requests.length + home.requests.length).toBe(before);
  });
});

describe('when a background response is streamed to its end on its create', () => {
  it('then its usage is counted there, and a later retrieve does not count it again', async () => {
    const before = await tokens();
    const streamed = await send(gw, 'POST', '/v1/responses', { body: { model: 'gpt-4o-mini', input: 'stream it', background: true, stream: true } });
    expect(streamed.status).toBe(200);
    const completed = readSseEvents(streamed.text).find((event) => event.event === 'response.completed');
    const id = (JSON.parse(completed!.data) as { response: { id: string } }).response.id;
    await until(async () => (await tokens()) === before + 32, 'the stream usage counted');
    await send(gw, 'GET', `/v1/responses/${id}`);
    await until(() => linesFor(`/responses/${id}`).length === 1, 'the retrieve access line');
    expect(linesFor(`/responses/${id}`)[0]?.tokens).toBeUndefined();
    expect(await tokens()).toBe(before + 32);
  });
});
