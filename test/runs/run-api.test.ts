import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream } from '../helpers/stack.ts';
import { ADMIN, chat, own, runsGateway, TEAM_A, TEAM_B } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await runsGateway(fake, { runs: { idleTimeoutSeconds: 2 } });
});

describe('when an agent makes several calls in one run', () => {
  it('then GET /breakwater/runs/{id} shows their calls, tool calls, tokens, cost and models, to its key and the admin key only', async () => {
    const headers = { 'x-breakwater-run-id': 'trip-planner-1' };
    await chat(gw, TEAM_A, {}, { ...headers, 'x-fake-tool-call': 'name=search;arguments={"q":"paris"}' });
    await chat(gw, TEAM_A, { model: 'gpt-4o' }, headers);
    await chat(gw, TEAM_A, {}, { ...headers, 'x-fake-status': '400' });
    await waitForAccessLines(gw, 3);

    const mine = await own(gw, TEAM_A, '/breakwater/runs/trip-planner-1');
    expect(mine.status).toBe(200);
    expect(mine.json).toMatchObject({
      id: 'trip-planner-1', key: 'team-a', source: 'header', status: 'active',
      calls: 3, refused: 0, errors: 1, toolCalls: 1, loops: 0,
      tokens: { input: 24, cached_input: 0, cache_write: 0, output: 40, reasoning: 0 },
      models: ['gpt-4o', 'gpt-4o-mini'],
    });
    expect(mine.json['costUsd']).toBeGreaterThan(0);
    expect(Date.parse(String(mine.json['lastCallAt']))).toBeGreaterThanOrEqual(Date.parse(String(mine.json['firstCallAt'])));
    expect(JSON.stringify(mine.json)).not.toContain('Hello from fake upstream');

    expect((await own(gw, TEAM_B, '/breakwater/runs/trip-planner-1')).status).toBe(404);
    expect((await own(gw, ADMIN, '/breakwater/runs/trip-planner-1')).json).toMatchObject({ id: 'trip-planner-1', key: 'team-a' });
    const lines = (await waitForAccessLines(gw, 3)).filter((line) => line.path === '/chat/completions');
    expect(lines.slice(0, 3).every((line) => line.run_id === 'trip-planner-1' && line.run_source === 'header')).toBe(true);
  });

  it('then GET /breakwater/runs?active=true lists the caller\'s active runs, every key\'s for the admin', async () => {
    await chat(gw, TEAM_B, {}, { 'x-breakwater-run-id': 'b-run' });
    const a = await own(gw, TEAM_A, '/breakwater/runs?active=true');
    const ids = (a.json['data'] as Array<{ id: string }>).map((run) => run.id);
    expect(ids).toContain('trip-planner-1');
    expect(ids).not.toContain('b-run');
    const all = (await own(gw, ADMIN, '/breakwater/runs?active=true')).json['data'] as Array<{ id: string }>;
    expect(all.map((run) => run.id)).toEqual(expect.arrayContaining(['trip-planner-1', 'b-run']));
  });

  it('then a model API key is refused on another key\'s run and the admin key is refused on the model API', async () => {
    const res = await fetch(`${gw.baseURL}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{"model":"gpt-4o-mini","messages":[]}' });
    expect(res.status).toBe(401);
  });

  it('then the run ends after its idle time: counted once in the run histograms, and read back as ended', async () => {
    await chat(gw, TEAM_A, {}, { 'x-breakwater-run-id': 'short-run' });
    await chat(gw, TEAM_A, {}, { 'x-breakwater-run-id': 'short-run' });
    await expect.poll(async () => (await own(gw, TEAM_A, '/breakwater/runs/short-run')).json['status'], { timeout: 8_000, interval: 250 }).toBe('ended');
    await expect.poll(async () => {
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      return /breakwater_run_calls_count\{key="team-a"\} (\d+)/.exec(metrics)?.[1];
    }, { timeout: 8_000, interval: 250 }).toBe('2');
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/breakwater_runs_started_total\{key="team-a",source="header"\} [1-9]/);
    expect(metrics).toMatch(/breakwater_run_cost_usd_count\{key="team-a"\} 2/);
    expect(metrics).not.toMatch(/short-run|trip-planner/);
  });
});
