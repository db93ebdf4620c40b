import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.ts';

/** The `claude` CLI of the test-only client package (installed by scripts/ensure-test-clients.sh). */
export const CLAUDE_BIN = join(dirname(fileURLToPath(import.meta.url)), 'node_modules', '.bin', 'claude');

/** Throws, never skips: a missing client is a broken test setup, not a reason to pass. */
export function requireClaude(): void {
  if (!existsSync(CLAUDE_BIN)) {
    throw new Error(`Claude Code is not installed at ${CLAUDE_BIN}: run scripts/ensure-test-clients.sh (about 40 s and 1.5 GB, once).`);
  }
}

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed `--output-format json` result, when stdout was JSON. */
  result: { result?: string; session_id?: string; is_error?: boolean; num_turns?: number; usage?: Record<string, unknown> } | undefined;
}

export interface ClaudeOptions {
  /** Where ANTHROPIC_BASE_URL points: the fake upstream, later the gateway. */
  baseUrl: string;
  prompt: string;
  apiKey?: string;
  /** Sent on every call (ANTHROPIC_CUSTOM_HEADERS), e.g. `x-fake-scenario`. */
  headers?: Record<string, string>;
  /** A throwaway working directory the caller prepared; a fresh empty one otherwise. */
  cwd?: string;
  args?: string[];
  timeoutMs?: number;
}

/**
 * `claude -p PROMPT --output-format json` with a throwaway HOME and Claude Code's switches for
 * no telemetry, no auto-update, no error reporting and no other non-essential traffic: with
 * them it connects to ANTHROPIC_BASE_URL only (checked with strace; see docs/anthropic.md).
 */
export async function runClaude(opts: ClaudeOptions): Promise<ClaudeRun> {
  requireClaude();
  const home = mkdtempSync(join(tmpdir(), 'bw-claude-home-'));
  const ownCwd = opts.cwd === undefined ? mkdtempSync(join(tmpdir(), 'bw-claude-cwd-')) : undefined;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    // Claude Code keeps scratch files in $TMPDIR/claude-<uid>; inside HOME they go with it.
    TMPDIR: home,
    ANTHROPIC_BASE_URL: opts.baseUrl,
    ANTHROPIC_API_KEY: opts.apiKey ?? 'sk-ant-test-dummy',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  if (opts.headers) env['ANTHROPIC_CUSTOM_HEADERS'] = Object.entries(opts.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
  const args = ['-p', opts.prompt, '--output-format', 'json', ...(opts.args ?? [])];
  try {
    const { code, stdout, stderr } = await runCli(CLAUDE_BIN, args, { cwd: opts.cwd ?? ownCwd!, env, timeoutMs: opts.timeoutMs ?? 60_000 });
    let result: ClaudeRun['result'];
    try {
      result = JSON.parse(stdout) as ClaudeRun['result'];
    } catch {
      result = undefined;
    }
    return { code, stdout, stderr, result };
  } finally {
    rmSync(home, { recursive: true, force: true });
    if (ownCwd !== undefined) rmSync(ownCwd, { recursive: true, force: true });
  }
}
