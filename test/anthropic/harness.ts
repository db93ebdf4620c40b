import Anthropic from '@anthropic-ai/sdk';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

export { parseSamples, scrape, valueOf } from '../observe/observe-helpers.ts';
export type { FakeUpstream, RunningGateway };

/** The key the gateway injects upstream, and a gateway key clients present. */
export const UPSTREAM_KEY = 'sk-ant-upstream-0123456789SECRET';
export const GATEWAY_KEY = 'bw-anthropic-client-key-0123456789';
export const GATEWAY_KEY_HASH = 'sha256:4b2fb601f37514aebdfcce0d4971321de71042b837cf16c7d5d5e0f62805fc33';

/** USD per 1M tokens the accounting tests compute their expected costs from (Anthropic's list prices for Sonnet 4.6). */
export const SONNET = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, cacheWrite1h: 6, output: 15 };
export const MODEL = 'claude-sonnet-4-6';
export const MESSAGES = [{ role: 'user' as const, content: 'hi' }];

/** A body for raw calls. */
export function messageBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: MODEL, max_tokens: 64, messages: MESSAGES, ...extra });
}

export interface AnthropicStack {
  fake: FakeUpstream;
  gw: RunningGateway;
}

/**
 * The fake upstream as an `anthropic` upstream named `claude` (with its own key), the gateway in
 * front, Sonnet priced; `config` is spread over that (routes, keys, retry...); `moreUpstreams` come after it.
 */
export async function anthropicStack(config: Record<string, unknown> = {}, upstream: Record<string, unknown> = {}, moreUpstreams: Array<Record<string, unknown>> = []): Promise<AnthropicStack> {
  const fake = await fakeUpstream();
  const gw = await gatewayProcess({
    config: {
      upstreams: [{ name: 'claude', api: 'anthropic', baseUrl: fake.baseUrl, apiKey: UPSTREAM_KEY, ...upstream }, ...moreUpstreams],
      pricing: { models: { [MODEL]: SONNET } },
      ...config,
    },
  });
  return { fake, gw };
}

/** The official SDK against the gateway; it must not retry on its own (the retries under test are the gateway's). */
export function anthropicSdk(gw: RunningGateway, headers: Record<string, string> = {}, apiKey = 'sk-ant-client'): Anthropic {
  return new Anthropic({ baseURL: gw.url, apiKey, maxRetries: 0, timeout: 20_000, defaultHeaders: headers });
}

/** A raw POST under /v1 (for what the SDK hides: exact bytes, headers). */
export async function post(gw: RunningGateway, path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${gw.url}/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** `x-fake-anthropic-usage` for a steered answer. */
export function usageHeader(usage: Record<string, unknown>): Record<string, string> {
  return { 'x-fake-anthropic-usage': JSON.stringify(usage) };
}

/** The access line of one request (by its `x-request-id`), once written: lines come at each request's real end. */
export async function accessLineOf(gw: RunningGateway, requestId: string | null, timeoutMs = 5_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = gw.logs().find((entry) => entry.msg === 'request' && entry.request_id === requestId);
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no access line for request ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
