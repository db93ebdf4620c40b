import OpenAI from 'openai';
import { createHash } from 'node:crypto';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { afterFile, fakeUpstream } from '../helpers/stack.ts';
import { startGateway, waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { startRedis, type RunningRedis } from './redis-server.ts';

export { fakeUpstream, waitForAccessLines };
export type { FakeUpstream, RunningGateway, RunningRedis };



export async function redis(): Promise<RunningRedis> {
  const server = await startRedis();
  afterFile(() => server.stop());
  return server;
}

/** What `breakwater hash-key` prints. */
export function hashKey(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

export interface TestKey {
  readonly name: string;
  readonly secret: string;
  readonly limits?: Record<string, number>;
}

/** Config with gateway keys in front of one fake upstream; `extra` overrides top-level sections. */
export function limitsConfig(fake: FakeUpstream, keys: readonly TestKey[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream', breaker: { volumeThreshold: 1_000 } }],
    retry: { maxAttempts: 1 },
    keys: keys.map((key) => ({ name: key.name, hash: hashKey(key.secret), limits: key.limits ?? {} })),
    ...extra,
  };
}

export async function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  const gw = await startGateway({ config });
  afterFile(() => gw.stop('SIGKILL'));
  return gw;
}

/** The official SDK with a gateway key; it must not retry on its own. */
export function sdk(gw: RunningGateway, key: string, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0, timeout: 20_000, defaultHeaders: headers });
}

export const MESSAGES = [{ role: 'user' as const, content: 'hi' }];

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: { error?: { code?: string; type?: string; message?: string } } & Record<string, unknown>;
}

/** A chat request with fetch, to read status and headers of every answer, refusals included. */
export async function chat(gw: RunningGateway, key: string, headers: Record<string, string> = {}, body: Record<string, unknown> = {}): Promise<RawAnswer> {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES, ...body }),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as RawAnswer['json'] };
}

export async function readyz(gw: RunningGateway): Promise<{ status: number; body: { status: string; state?: { backend: string; up: boolean; policy: string } } }> {
  const res = await fetch(`${gw.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; state?: { backend: string; up: boolean; policy: string } } };
}

export function logsWith(gw: RunningGateway, msg: string): Array<Record<string, unknown>> {
  return gw.logs().filter((line) => typeof line.msg === 'string' && line.msg.startsWith(msg));
}

/** Polls until `check` resolves true (for hooks, where expect.poll is not allowed). */
export async function until(check: () => Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
