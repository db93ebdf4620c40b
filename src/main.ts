#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { createApp } from './app.js';
import { hashKey } from './auth/key-store.js';
import { ConfigError, loadConfig } from './config/load.js';
import { createRedactor } from './observe/logger.js';
import { runDemo } from './demo/demo.js';

/* The CLI: the only file that touches process.* (args, env, signals, exit). */

/** After drainTimeoutMs: time for cut requests to settle and telemetry to flush before the process is ended regardless. */
const SHUTDOWN_GRACE_MS = 10_000;

const USAGE = `breakwater [--config FILE] [--port N]   start the gateway (zero-config without a file)
breakwater demo [--duration S] [--port N] a made-up provider, the gateway and its console under a mixed load
                                          for S seconds (default 60) on 127.0.0.1:N (default 8380); no API key
breakwater hash-key [KEY]                 print the sha256 hash of a gateway key for config (reads stdin without KEY)
breakwater --help | --version`;

const DEMO_PORT = 8380;
const DEMO_SECONDS = 60;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, port: { type: 'string', short: 'p' }, duration: { type: 'string', short: 'd' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } },
  });
  if (values.help === true) return void process.stdout.write(`${USAGE}\n`);
  if (values.version === true) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return void process.stdout.write(`${pkg.version}\n`);
  }
  if (positionals[0] === 'hash-key') {
    const key = positionals[1] ?? readFileSync(0, 'utf8').trim();
    if (key.length === 0) throw new Error('hash-key: no key given');
    return void process.stdout.write(`${hashKey(key)}\n`);
  }
  if (positionals[0] === 'demo') return demo(values.duration, values.port);
  if (positionals.length > 0) throw new Error(`unknown command "${positionals[0]}"\n${USAGE}`);
  if (values.duration !== undefined) throw new Error('--duration belongs to `breakwater demo`');

  const portText = values.port ?? process.env.PORT;
  const port = portText === undefined ? undefined : parsePort(portText);
  const { config, unsetVariables } = loadConfig({ file: values.config ?? process.env.BREAKWATER_CONFIG, env: process.env, port });

  // A crash prints its stack through the same scrubber as log lines: no configured key reaches stderr.
  const scrub = createRedactor(config.upstreams.flatMap((upstream) => (upstream.apiKey === undefined ? [] : [upstream.apiKey])));
  const crash = (error: unknown): void => {
    process.stderr.write(`${scrub(JSON.stringify({ level: 'fatal', msg: 'crashed', err: error instanceof Error ? error.stack ?? error.message : String(error) }))}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  const app = await createApp(config, { env: process.env, unsetVariables });
  await app.start();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs (a socket that ignores its close, an exporter that never answers), the process still exits.
    setTimeout(() => {
      process.stderr.write(`breakwater: shutdown did not finish within drainTimeoutMs + ${SHUTDOWN_GRACE_MS} ms; exiting\n`);
      process.exit(1);
    }, config.server.drainTimeoutMs + SHUTDOWN_GRACE_MS).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`breakwater: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port: "${text}" is not a port number`);
  return port;
}

/** `breakwater demo`: runs until its duration is over (Ctrl-C ends it early, still with its summary). */
async function demo(durationText: string | undefined, portText: string | undefined): Promise<void> {
  const durationSeconds = durationText === undefined ? DEMO_SECONDS : Number(durationText);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > 3_600) throw new Error(`--duration: "${durationText}" is not a whole number of seconds from 1 to 3600`);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await runDemo({ durationSeconds, port: portText === undefined ? DEMO_PORT : parsePort(portText), out: process.stdout, signal: stop.signal });
  process.exit(0);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`breakwater: ${error.message}\n`);
  else process.stderr.write(`breakwater: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
