import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from './cli.ts';

/**
 * OpenCode's own binary from the test-only client package (installed by
 * scripts/ensure-test-clients.sh): its Linux x64 baseline build, which runs on any x64 CPU.
 */
export const OPENCODE_BIN = join(dirname(fileURLToPath(import.meta.url)), 'node_modules', 'opencode-linux-x64-baseline', 'bin', 'opencode');

export interface OpenCodeOptions {
  /** The provider's base URL, `/v1` included: the fake upstream, or the gateway. */
  baseUrl: string;
  prompt: string;
  apiKey: string;
  /** Sent on every call through the provider's `headers`, e.g. `x-fake-scenario`. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * `opencode run PROMPT` with a throwaway HOME and a project config naming one OpenAI-compatible
 * provider (the base URL given) and one model, with auto-update, sharing and the models.dev fetch
 * off. npm's registry is pointed at a closed loopback port: OpenCode looks up its plugin package
 * there at start and goes on without it, so the run needs no network.
 */
export async function runOpenCode(opts: OpenCodeOptions): Promise<CliResult> {
  if (!existsSync(OPENCODE_BIN)) {
    throw new Error(`OpenCode is not installed at ${OPENCODE_BIN}: run scripts/ensure-test-clients.sh.`);
  }
  const home = mkdtempSync(join(tmpdir(), 'bw-opencode-home-'));
  const cwd = join(home, 'work');
  mkdirSync(cwd, { recursive: true });
  const config = {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      gateway: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Gateway',
        options: { baseURL: opts.baseUrl, apiKey: opts.apiKey, headers: opts.headers ?? {} },
        models: { 'gpt-4o-mini': { name: 'gpt-4o-mini' } },
      },
    },
    model: 'gateway/gpt-4o-mini',
    autoupdate: false,
    share: 'disabled',
  };
  writeFileSync(join(cwd, 'opencode.json'), JSON.stringify(config));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    npm_config_registry: 'http://127.0.0.1:9/',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  };
  try {
    return await runCli(OPENCODE_BIN, ['run', opts.prompt], { cwd, env, timeoutMs: opts.timeoutMs ?? 60_000 });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
