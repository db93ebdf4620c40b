import OpenAI from 'openai';
import { createHash } from 'node:crypto';
import type { FakeUpstream, RecordedRequest } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { afterFile, fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { startRedis, type RunningRedis } from '../limits/redis-server.ts';
import { parseSamples, scrape, valueOf } from '../observe/observe-helpers.ts';

export { fakeUpstream, gatewayProcess, waitForAccessLines };
export type { FakeUpstream, RunningGateway };

export const KEY_A = { name: 'team-a', secret: 'sk-gw-durable-team-a-0001' };
export const KEY_B = { name: 'team-b', secret: 'sk-gw-durable-team-b-0002' };
export const ADMIN_SECRET = 'sk-gw-durable-admin-0003';
export const MESSAGES = [{ role: 'user' as const, content: 'hi' }];
export const PRICES = { 'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 } };

export function hashKey(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/** Gateway keys (team-a, team-b, admin) in front of the given fakes; the first fake is the default upstream. */
export function keyedConfig(fakes: readonly FakeUpstream[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    upstreams: fakes.map((fake, index) => ({ name: index === 0 ? 'fake' : `fake${index + 1}`, baseUrl: fake.baseUrl, apiKey: 'sk-upstream-durable', breaker: { volumeThreshold: 1_000 } })),
    retry: { maxAttempts: 1 },
    keys: [KEY_A, KEY_B].map((key) => ({ name: key.name, hash: hashKey(key.secret) })),
    admin: { keyHash: hashKey(ADMIN_SECRET) },
    pricing: { models: PRICES },
    ...extra,
  };
}

export async function redis(): Promise<RunningRedis> {
  const server = await startRedis();
  afterFile(() => server.stop());
  return server;
}

/** The official SDK with a gateway key and no retries of its own unless asked. */
export function sdk(gw: RunningGateway, secret = KEY_A.secret, options: { maxRetries?: number; timeout?: number } = {}): OpenAI {
  return new OpenAI({ baseURL: gw.baseURL, apiKey: secret, maxRetries: options.maxRetries ?? 0, timeout: options.timeout ?? 20_000 });
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown> & { error?: { code?: string; type?: string; message?: string } };
}

/** One call with fetch (path from the gateway's root), body read whole. */
export async function send(gw: RunningGateway, method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; secret?: string | undefined } = {}): Promise<Answer> {
  const secret = 'secret' in options ? options.secret : KEY_A.secret;
  const res = await fetch(`${gw.url}${path}`, {
    method,
    headers: {
      ...(secret === undefined ? {} : { authorization: `Bearer ${secret}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await res.text();
  let json: Answer['json'] = {};
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    // SSE or empty: the text says it
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A chat completion through fetch. */
export function chat(gw: RunningGateway, headers: Record<string, string> = {}, body: Record<string, unknown> = {}, secret: string = KEY_A.secret): Promise<Answer> {
  return send(gw, 'POST', '/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: MESSAGES, ...body }, headers, secret });
}

export function llmCalls(fake: FakeUpstream, path = '/v1/chat/completions'): RecordedRequest[] {
  return fake.requests.filter((request) => request.method === 'POST' && request.path === path);
}

/** Polls until `check` holds (or throws with `what` at the deadline). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One metric's value on the gateway (0 when absent). */
export async function metric(gw: RunningGateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  return valueOf(parseSamples((await scrape(gw)).text), name, labels);
}

export function accessLines(gw: RunningGateway): Array<Record<string, unknown>> {
  return gw.logs().filter((line) => line.msg === 'request');
}
