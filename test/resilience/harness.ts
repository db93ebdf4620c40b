import OpenAI from 'openai';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { afterFile, fakeUpstream } from '../helpers/stack.ts';
import { startGateway, waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';

export { fakeUpstream, waitForAccessLines };
export type { FakeUpstream, RunningGateway };

/** Retries fast enough for a test, slow enough to be seen; every test names what it changes. */
export const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 8_000, budgetRatio: 1 };

/** A breaker that never opens by accident in tests about something else. */
export const QUIET_BREAKER = { volumeThreshold: 1_000, errorThresholdPercentage: 100, resetTimeoutMs: 60_000 };



/** The gateway as a child process, stopped after the file's tests; logs at debug so retries show. */
export async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const gw = await startGateway({ config: { telemetry: { logLevel: 'debug' }, ...config } });
  afterFile(() => gw.stop('SIGKILL'));
  return gw;
}

/** The official SDK, which must not retry on its own: the retries under test are the gateway's. */
export function sdk(gw: RunningGateway, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-test', maxRetries: 0, timeout: 20_000, defaultHeaders: headers });
}

export const MESSAGES = [{ role: 'user' as const, content: 'hi' }];

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  elapsedMs: number;
}

/** A chat request with fetch, for what the SDK hides (raw SSE bytes, exact timings). */
export async function rawChat(gw: RunningGateway, headers: Record<string, string>, body: Record<string, unknown> = {}): Promise<RawAnswer> {
  const started = performance.now();
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES, ...body }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, elapsedMs: performance.now() - started };
}

/** Log lines with the given msg. */
export function logsWith(gw: RunningGateway, msg: string): Array<Record<string, unknown>> {
  return gw.logs().filter((line) => line.msg === msg);
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The breaker states reported by /readyz. */
export async function circuitStates(gw: RunningGateway): Promise<Record<string, string>> {
  const res = await fetch(`${gw.url}/readyz`);
  const body = (await res.json()) as { upstreams?: Record<string, string> };
  return body.upstreams ?? {};
}
