import OpenAI from 'openai';
import { expect } from 'vitest';
import { createHash } from 'node:crypto';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

export { fakeUpstream, gatewayProcess };
export type { FakeUpstream, RunningGateway };

export interface TestKey {
  readonly name: string;
  readonly secret: string;
  readonly limits?: Record<string, number>;
  readonly passthrough?: 'allow' | 'deny' | string[];
}

export const KEY_A: TestKey = { name: 'team-a', secret: 'sk-gw-team-a-0001' };
export const KEY_B: TestKey = { name: 'team-b', secret: 'sk-gw-team-b-0002' };
export const UPSTREAM_KEY = 'sk-upstream-only-9999';

/** What `breakwater hash-key` prints. */
export function hashKey(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/** Gateway keys in front of one fake upstream with the one upstream key; `extra` overrides top-level sections. */
export function keyedConfig(fake: FakeUpstream, keys: readonly TestKey[] = [KEY_A, KEY_B], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: UPSTREAM_KEY, breaker: { volumeThreshold: 1_000 } }],
    retry: { maxAttempts: 1 },
    keys: keys.map((key) => ({
      name: key.name,
      hash: hashKey(key.secret),
      limits: key.limits ?? {},
      ...(key.passthrough === undefined ? {} : { passthrough: key.passthrough }),
    })),
    ...extra,
  };
}

export function keyedGateway(fake: FakeUpstream, keys?: readonly TestKey[], extra?: Record<string, unknown>): Promise<RunningGateway> {
  return gatewayProcess({ config: keyedConfig(fake, keys, extra) });
}

/** The official SDK with a gateway key; it must not retry on its own. */
export function sdk(gw: RunningGateway, key: TestKey): OpenAI {
  return new OpenAI({ baseURL: gw.baseURL, apiKey: key.secret, maxRetries: 0, timeout: 20_000 });
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: { error?: { code?: string; type?: string; message?: string; param?: string | null } } & Record<string, unknown>;
}

/** One call with fetch (path below /v1), to see status, headers and body of every answer, refusals included. */
export async function call(gw: RunningGateway, key: TestKey | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${gw.baseURL}${path}`, {
    method,
    headers: {
      ...(key === undefined ? {} : { authorization: `Bearer ${key.secret}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Answer['json'] = {};
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    json = { text };
  }
  return { status: res.status, headers: res.headers, json };
}

/** How many requests the fake upstream received whose path starts with `/v1<prefix>`. */
export function upstreamCalls(fake: FakeUpstream, prefix: string): number {
  return fake.requests.filter((request) => request.path.startsWith(`/v1${prefix}`)).length;
}

/** The gateway's own 404 for a resource this key does not own: OpenAI's shape, code `not_found`. */
export function expectNotFound(answer: Answer): void {
  expect({ status: answer.status, error: answer.json.error, class: answer.headers.get('x-breakwater-error') }).toMatchObject({
    status: 404,
    error: { code: 'not_found', type: 'invalid_request_error' },
    class: 'invalid_request',
  });
}

/** Polls until `check` resolves true (for hooks, where expect.poll is not allowed). */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
