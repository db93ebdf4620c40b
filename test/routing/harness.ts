import { createHash } from 'node:crypto';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { afterFile, fakeUpstream } from '../helpers/stack.ts';
import { startGateway, waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { parseSamples, scrape, valueOf } from '../observe/observe-helpers.ts';

export { fakeUpstream, waitForAccessLines };
export type { FakeUpstream, RunningGateway };

/** A breaker that never opens by accident in tests about something else. */
export const QUIET_BREAKER = { volumeThreshold: 1_000, errorThresholdPercentage: 100, resetTimeoutMs: 60_000 };

export async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const gw = await startGateway({ config });
  afterFile(() => gw.stop('SIGKILL'));
  return gw;
}

/** What `breakwater hash-key` prints. */
export function hashKey(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/** Upstreams named after their fakes, each with a key of its own and a quiet breaker unless `breaker` says otherwise. */
export function upstreamsOf(fakes: Record<string, FakeUpstream>, breaker: Record<string, number> = QUIET_BREAKER): Array<Record<string, unknown>> {
  return Object.entries(fakes).map(([name, fake]) => ({ name, baseUrl: fake.baseUrl, apiKey: `sk-upstream-${name}`, breaker }));
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface CallOptions {
  readonly key?: string;
  readonly headers?: Record<string, string>;
  readonly path?: string;
  /** The body as sent, byte for byte (default: a small chat request, merged with `body`). */
  readonly raw?: string;
  readonly body?: Record<string, unknown>;
}

/**
 * One call with fetch, read to its end: status, headers and the exact text (SSE included). It
 * resolves once the gateway has also finished the call (its access line is written), which is after
 * the cache stored its answer: the client may have the whole answer a Redis round trip earlier.
 */
export async function call(gw: RunningGateway, options: CallOptions = {}): Promise<Answer> {
  const before = accessLineCount(gw);
  try {
    return await send(gw, options);
  } finally {
    await waitForAccessLines(gw, before + 1);
  }
}

function accessLineCount(gw: RunningGateway): number {
  return gw.logs().filter((line) => line.msg === 'request').length;
}

async function send(gw: RunningGateway, options: CallOptions): Promise<Answer> {
  const res = await fetch(`${gw.baseURL}${options.path ?? '/chat/completions'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key ?? 'sk-client'}`, ...options.headers },
    body: options.raw ?? JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...options.body }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Sum of a metric's samples whose labels include `labels`. */
export async function metric(gw: RunningGateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  return valueOf(parseSamples((await scrape(gw)).text), name, labels);
}

/** Requests the fake saw on the chat endpoint (its own counting, not the gateway's). */
export function chats(fake: FakeUpstream): number {
  return fake.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
