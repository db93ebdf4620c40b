import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCodex } from '../clients/codex.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream } from '../helpers/stack.ts';
import { own, runsGateway, TEAM_A } from './harness.ts';

/*
 * Codex CLI (`codex exec`) through the gateway, unchanged: only its provider base URL points at
 * Breakwater. Codex names its session in a `session-id` header on every call, so one exec is one
 * run (source `harness`), tool turns included; a second exec is a second run. A Codex stuck on one
 * tool call (it has no loop guard of its own) is stopped by the gateway when the key blocks loops.
 */

const EXEC = { name: 'exec_command', arguments: '{"cmd":"cat hello.txt"}' };

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await runsGateway(fake, { runs: { loopDetection: { threshold: 3, action: 'block' } } });
});

afterAll(async () => {
  await gw?.stop();
});

describe('when Codex CLI runs a task through the gateway', () => {
  it('then every call of one exec, tool turns included, is one run named by its session id, and the next exec is another run', async () => {
    fake.script('codex-run', [{ toolCalls: [EXEC] }, {}]);
    const before = gw.logs().length;
    const first = await runCodex({ baseUrl: gw.baseURL, apiKey: TEAM_A, prompt: 'Read hello.txt', headers: { 'x-fake-scenario': 'codex-run' } });
    expect(first.code, first.stderr).toBe(0);
    expect(first.events.some((e) => e['type'] === 'item.completed' && (e['item'] as Record<string, unknown>)['type'] === 'command_execution')).toBe(true);

    fake.script('codex-run', [{}]);
    const second = await runCodex({ baseUrl: gw.baseURL, apiKey: TEAM_A, prompt: 'Say hello', headers: { 'x-fake-scenario': 'codex-run' } });
    expect(second.code, second.stderr).toBe(0);

    const lines = gw.logs().slice(before).filter((line) => line.msg === 'request' && line.route !== 'breakwater');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(new Set(lines.map((line) => line.run_source))).toEqual(new Set(['harness']));
    const runs = [...new Set(lines.map((line) => String(line.run_id)))];
    expect(runs).toHaveLength(2);
    const firstRun = await own(gw, TEAM_A, `/breakwater/runs/${runs[0]!}`);
    expect(firstRun.json).toMatchObject({ source: 'harness', calls: 2, toolCalls: 1, errors: 0, refused: 0 });
  });

  it('then a Codex stuck repeating one tool call is stopped with agent_loop_detected, and the upstream never sees the looping call', async () => {
    fake.script('codex-loop', [{ toolCalls: [EXEC], toolLoop: true }]);
    const upstreamBefore = fake.requests.length;
    const looped = await runCodex({ baseUrl: gw.baseURL, apiKey: TEAM_A, prompt: 'Read hello.txt until told to stop', headers: { 'x-fake-scenario': 'codex-loop' } });
    const reachedUpstream = fake.requests.length - upstreamBefore;
    // Three identical turns in the history is the key's threshold: calls 1-3 reach the fake, the 4th is refused.
    expect(reachedUpstream).toBe(3);
    expect(looped.code).not.toBe(0);
    expect(JSON.stringify(looped.events)).toContain('agent_loop_detected');
  });
});
