import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import { runClaude } from '../clients/claude.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { own } from './harness.ts';

/*
 * Claude Code (`claude -p`) through the gateway, unchanged: only ANTHROPIC_BASE_URL points at
 * Breakwater. It names its session in `x-claude-code-session-id` on every call, so a session with a
 * tool round trip is one run (source `harness`) whose id is Claude Code's own session id. A Claude
 * Code stuck reading one file over and over is stopped by the gateway when its key blocks loops.
 */

const KEY = 'bw-runs-claude-code';
const LOOPING_KEY = 'bw-runs-claude-code-loops';

let fake: FakeUpstream;
let gw: RunningGateway;
let cwd: string;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({
    config: {
      upstreams: [{ name: 'claude', api: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'sk-ant-upstream-runs' }],
      keys: [
        { name: 'claude-code', hash: hashKey(KEY) },
        { name: 'claude-code-loops', hash: hashKey(LOOPING_KEY), runs: { loopDetection: { threshold: 3, action: 'block' } } },
      ],
    },
  });
  cwd = mkdtempSync(join(tmpdir(), 'bw-cc-run-'));
  writeFileSync(join(cwd, 'hello.txt'), 'hello from the throwaway dir\n');
});

afterAll(async () => {
  await gw?.stop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('when Claude Code runs a task through the gateway', () => {
  it('then its calls, the tool round trip included, are one run named by its own session id', async () => {
    fake.script('cc-run', [{ toolUse: { name: 'Read', input: { file_path: join(cwd, 'hello.txt') } } }, { chunks: 2 }]);
    const before = gw.logs().length;
    const run = await runClaude({ baseUrl: gw.url, prompt: 'Read hello.txt', apiKey: KEY, cwd, headers: { 'x-fake-scenario': 'cc-run' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ num_turns: 2, is_error: false });
    await expect.poll(() => gw.logs().slice(before).filter((line) => line.msg === 'request').length, { timeout: 5_000 }).toBe(2);
    const lines = gw.logs().slice(before).filter((line) => line.msg === 'request');
    expect(lines.map((line) => [line.run_id, line.run_source])).toEqual([
      [run.result?.session_id, 'harness'],
      [run.result?.session_id, 'harness'],
    ]);
    const record = await own(gw, KEY, `/breakwater/runs/${run.result!.session_id!}`);
    expect(record.json).toMatchObject({ key: 'claude-code', source: 'harness', calls: 2, toolCalls: 1, errors: 0, models: [expect.stringContaining('claude')] });
  }, 90_000);

  it('then a Claude Code stuck on one tool call is stopped with agent_loop_detected before the looping call reaches the upstream', async () => {
    fake.script('cc-loop', [{ toolUse: { name: 'Read', input: { file_path: join(cwd, 'hello.txt') } } }]);
    const upstreamBefore = fake.requests.length;
    const run = await runClaude({ baseUrl: gw.url, prompt: 'Read hello.txt', apiKey: LOOPING_KEY, cwd, headers: { 'x-fake-scenario': 'cc-loop' }, args: ['--max-turns', '10'] });
    // Calls 1-3 carry 0, 1 and 2 identical turns; the 4th carries 3, the key's threshold.
    expect(fake.requests.length - upstreamBefore).toBe(3);
    expect(run.result?.is_error ?? run.code !== 0).toBe(true);
    expect(run.stdout + run.stderr).toContain('same tool call');
  }, 90_000);
});

describe('when an @anthropic-ai/sdk agent loop sends nothing that names a run', () => {
  it('then the call carrying a tool_result joins the run of the answer that made the tool_use', async () => {
    fake.script('sdk-run', [{ toolUse: { name: 'get_weather', input: { city: 'Paris' } } }, {}]);
    const client = new Anthropic({ baseURL: gw.url, apiKey: KEY, maxRetries: 0, defaultHeaders: { 'x-fake-scenario': 'sdk-run' } });
    const ask = { role: 'user' as const, content: 'Weather in Paris?' };
    const first = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [ask] }).withResponse();
    const toolUse = first.data.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type).toBe('tool_use');
    const second = await client.messages
      .create({
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        messages: [ask, { role: 'assistant', content: first.data.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse!.type === 'tool_use' ? toolUse!.id : '', content: 'sunny' }] }],
      })
      .withResponse();
    expect(first.response.headers.get('x-breakwater-run-source')).toBe('new');
    expect(second.response.headers.get('x-breakwater-run-source')).toBe('tool_call');
    expect(second.response.headers.get('x-breakwater-run-id')).toBe(first.response.headers.get('x-breakwater-run-id'));
  });
});
