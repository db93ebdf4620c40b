import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOpenCode } from '../clients/opencode.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream } from '../helpers/stack.ts';
import { own, runsGateway, TEAM_A } from './harness.ts';

/*
 * OpenCode (`opencode run`) through the gateway, unchanged: only its provider's base URL points at
 * Breakwater. OpenCode 1.18 names its session in `x-session-id` (and `x-session-affinity`) on every
 * call, the title it asks for included, so one `opencode run` is one run (source `harness`) whose id
 * is OpenCode's own session id; the next `opencode run` is another session, so another run.
 */

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await runsGateway(fake);
});

afterAll(async () => {
  await gw?.stop();
});

describe('when OpenCode runs a task through the gateway', () => {
  it('then every call of one session is one run named by its session id, and the next session is another run', async () => {
    const before = gw.logs().length;
    const first = await runOpenCode({ baseUrl: gw.baseURL, apiKey: TEAM_A, prompt: 'Say hello' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('tok0 tok1 tok2');
    const second = await runOpenCode({ baseUrl: gw.baseURL, apiKey: TEAM_A, prompt: 'Say hello again' });
    expect(second.code, second.stderr).toBe(0);

    const lines = gw.logs().slice(before).filter((line) => line.msg === 'request' && line.route !== 'breakwater');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(new Set(lines.map((line) => line.run_source))).toEqual(new Set(['harness']));
    const runs = [...new Set(lines.map((line) => String(line.run_id)))];
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(run).toMatch(/^ses_/);
    // the session header is what OpenCode sent the upstream, passed through unchanged
    expect(fake.requests.map((request) => request.headers['x-session-id'])).toEqual(expect.arrayContaining(runs));
    const firstRun = await own(gw, TEAM_A, `/breakwater/runs/${runs[0]!}`);
    expect(firstRun.json).toMatchObject({ source: 'harness', errors: 0, refused: 0 });
    expect(firstRun.json['calls']).toBe(lines.filter((line) => line.run_id === runs[0]).length);
  });
});
