import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query, type SDKMessage } from '@anthropic-ai/claude-agent-sdk';

export interface AgentOptions {
  /** Where ANTHROPIC_BASE_URL points (the gateway). */
  baseUrl: string;
  prompt: string;
  apiKey: string;
  /** The working directory the agent's tools act in; a fresh empty one otherwise. */
  cwd?: string;
  /** Sent on every call (ANTHROPIC_CUSTOM_HEADERS), e.g. `x-fake-scenario`. */
  headers?: Record<string, string>;
  maxTurns?: number;
}

/**
 * The Claude Agent SDK's `query()` (it spawns its own bundled Claude Code) with a throwaway HOME
 * and TMPDIR, no settings files, and Claude Code's switches for no telemetry, no auto-update, no
 * error reporting and no other non-essential traffic. `env` replaces the child's environment.
 */
export async function runAgent(opts: AgentOptions): Promise<SDKMessage[]> {
  const home = mkdtempSync(join(tmpdir(), 'bw-agent-home-'));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    ANTHROPIC_BASE_URL: opts.baseUrl,
    ANTHROPIC_API_KEY: opts.apiKey,
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  if (opts.headers) env['ANTHROPIC_CUSTOM_HEADERS'] = Object.entries(opts.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  try {
    const messages: SDKMessage[] = [];
    for await (const message of query({ prompt: opts.prompt, options: { cwd: opts.cwd ?? home, env, settingSources: [], maxTurns: opts.maxTurns ?? 3 } })) messages.push(message);
    return messages;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
