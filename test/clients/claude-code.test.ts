import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.ts';
import { runClaude } from './claude.ts';

// The real Claude Code CLI against the fake Anthropic upstream (no gateway yet: the base URL
// will later be the gateway's). Offline, about 2-4 s per run. Without the client package each
// test fails (runClaude throws), so a missing install never passes as skipped.
describe('when Claude Code runs headless against an Anthropic upstream', () => {
  let fake: FakeUpstream;
  let cwd: string;
  beforeAll(async () => {
    fake = await startFakeUpstream();
  });
  afterAll(async () => {
    await fake?.close();
  });
  beforeEach(() => {
    fake.reset();
    cwd = mkdtempSync(join(tmpdir(), 'bw-claude-cwd-'));
    return () => rmSync(cwd, { recursive: true, force: true });
  });

  it('then the answer arrives from one streamed /v1/messages?beta=true call carrying its key, version and session id', async () => {
    const run = await runClaude({ baseUrl: fake.url, prompt: 'What is 2+2? Use no tools.', apiKey: 'sk-ant-ci', cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ result: 'tok0 tok1 tok2 ', is_error: false, num_turns: 1 });
    expect(fake.requests).toHaveLength(1);
    const call = fake.requests[0];
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/v1/messages?beta=true');
    expect(call?.headers['x-api-key']).toBe('sk-ant-ci');
    expect(call?.headers['anthropic-version']).toBe('2023-06-01');
    expect(call?.headers['x-claude-code-session-id']).toBe(run.result?.session_id);
    expect(call?.json).toMatchObject({ stream: true });
  }, 90_000);

  it('then a tool_use answer makes it call the tool and send the result back in the same session', async () => {
    writeFileSync(join(cwd, 'hello.txt'), 'hello from the throwaway dir\n');
    fake.script('cc-tool', [{ toolUse: { name: 'Read', input: { file_path: join(cwd, 'hello.txt') } } }, { chunks: 2 }]);
    const run = await runClaude({ baseUrl: fake.url, prompt: 'Read hello.txt', cwd, headers: { 'x-fake-scenario': 'cc-tool' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ result: 'tok0 tok1 ', num_turns: 2 });
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests;
    const tools = (first?.json as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(tools).toContain('Read');
    expect(second?.headers['x-claude-code-session-id']).toBe(first?.headers['x-claude-code-session-id']);
    const lastTurn = (second?.json as { messages: { content: unknown }[] }).messages.at(-1);
    expect(JSON.stringify(lastTurn?.content)).toContain('hello from the throwaway dir');
  }, 90_000);
});
