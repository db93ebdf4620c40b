import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.ts';

/** The `codex` CLI of the test-only client package (installed by scripts/ensure-test-clients.sh). */
export const CODEX_BIN = join(dirname(fileURLToPath(import.meta.url)), 'node_modules', '.bin', 'codex');

export interface CodexRun {
  code: number | null;
  /** `--json` events, one per stdout line. */
  events: Array<Record<string, unknown>>;
  stderr: string;
}

export interface CodexOptions {
  /** The provider's base URL, `/v1` included: the fake upstream, or the gateway. */
  baseUrl: string;
  prompt: string;
  apiKey: string;
  /** Sent on every call through the provider's `http_headers`, e.g. `x-fake-scenario`. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * `codex exec --json` with a throwaway HOME and CODEX_HOME whose config names one provider (the
 * base URL given) and turns off update checks, plugins, apps, analytics and feedback: with them it
 * connects to that base URL only (see docs/openai-clients-notes.md). A read-only sandbox and a
 * throwaway working directory holding `hello.txt`.
 */
export async function runCodex(opts: CodexOptions): Promise<CodexRun> {
  if (!existsSync(CODEX_BIN)) {
    throw new Error(`Codex CLI is not installed at ${CODEX_BIN}: run scripts/ensure-test-clients.sh.`);
  }
  const home = mkdtempSync(join(tmpdir(), 'bw-codex-home-'));
  const codexHome = join(home, '.codex');
  const cwd = join(home, 'work');
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, 'hello.txt'), 'hello from the throwaway cwd\n');
  const headers = Object.entries(opts.headers ?? {}).map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`).join(', ');
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'model = "gpt-5.5"',
      'model_provider = "gateway"',
      'check_for_update_on_startup = false',
      '',
      '[model_providers.gateway]',
      'name = "Gateway"',
      `base_url = ${JSON.stringify(opts.baseUrl)}`,
      'wire_api = "responses"',
      'env_key = "OPENAI_API_KEY"',
      `http_headers = { ${headers} }`,
      '',
      '[features]',
      'plugins = false',
      'apps = false',
      '',
      '[analytics]',
      'enabled = false',
      '',
      '[feedback]',
      'enabled = false',
      '',
    ].join('\n'),
  );
  try {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: codexHome, OPENAI_API_KEY: opts.apiKey, TERM: 'dumb' };
    const args = ['exec', '--skip-git-repo-check', '--strict-config', '--sandbox', 'read-only', '--json', '-C', cwd, opts.prompt];
    const { code, stdout, stderr } = await runCli(CODEX_BIN, args, { cwd, env, timeoutMs: opts.timeoutMs ?? 60_000 });
    const events = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { code, events, stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
