import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { GATEWAY_KEY, GATEWAY_KEY_HASH } from '../anthropic/harness.ts';
import { runAgent } from './agent.ts';

/*
 * The Claude Agent SDK (its bundled Claude Code) with ANTHROPIC_BASE_URL at the gateway. Offline,
 * ~2-4 s. Without the client package the import fails: run scripts/ensure-test-clients.sh.
 */
describe('when an agent built on the Claude Agent SDK runs through the gateway', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gatewayProcess({
      config: {
        upstreams: [{ name: 'claude', api: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'sk-ant-upstream-for-agents' }],
        keys: [{ name: 'agents', hash: GATEWAY_KEY_HASH }],
      },
    });
  });

  it('then a Read tool round trip takes two calls of one session, each metered with its key, model and tokens', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'bw-agent-cwd-'));
    try {
      writeFileSync(join(cwd, 'notes.txt'), 'agent notes in a throwaway dir\n');
      fake.script('agent-tool', [{ toolUse: { name: 'Read', input: { file_path: join(cwd, 'notes.txt') } } }, { chunks: 2 }]);
      const messages = await runAgent({ baseUrl: gw.url, prompt: 'Read notes.txt', apiKey: GATEWAY_KEY, cwd, headers: { 'x-fake-scenario': 'agent-tool' } });
      const result = messages.at(-1) as { type: string; subtype?: string; result?: string };
      expect(result).toMatchObject({ type: 'result', subtype: 'success', result: 'tok0 tok1 ' });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests;
    expect(first?.headers['user-agent']).toContain('agent-sdk/');
    expect(first?.headers['x-api-key']).toBe('sk-ant-upstream-for-agents');
    expect(second?.headers['x-claude-code-session-id']).toBe(first?.headers['x-claude-code-session-id']);
    expect(JSON.stringify((second?.json as { messages: unknown[] }).messages.at(-1))).toContain('agent notes in a throwaway dir');
    const lines = await waitForAccessLines(gw, 2);
    expect(lines.map((line) => [line.route, line.key, line.status, line.stream_outcome, line.usage_source])).toEqual([
      ['messages', 'agents', 200, 'completed', 'provider'],
      ['messages', 'agents', 200, 'completed', 'provider'],
    ]);
  }, 90_000);
});
