import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { GATEWAY_KEY, GATEWAY_KEY_HASH, parseSamples, scrape, valueOf } from '../anthropic/harness.ts';
import { runClaude } from './claude.ts';

/*
 * The real Claude Code CLI with ANTHROPIC_BASE_URL pointed at the gateway, the fake Anthropic
 * upstream behind it. Offline, a few seconds per run. Without the client package each test fails
 * (runClaude throws): run scripts/ensure-test-clients.sh.
 */
describe('when Claude Code runs headless through the gateway', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gatewayProcess({
      config: {
        upstreams: [{ name: 'claude', api: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'sk-ant-upstream-for-claude-code' }],
        keys: [{ name: 'claude-code', hash: GATEWAY_KEY_HASH, limits: { rpm: 5 } }],
        // Claude Code's default model at Anthropic's list price
        pricing: { models: { 'claude-opus-5-5': { input: 4, cachedInput: 0.2, cacheWrite: 5, cacheWrite1h: 8, output: 20 } } },
      },
    });
  });
  beforeEach(() => fake.reset());

  /** Access lines of the calls since `before`, once each call's line is written (at its real end). */
  async function linesSince(before: number): Promise<Array<Record<string, unknown>>> {
    return (await waitForAccessLines(gw, before + fake.requests.length)).slice(before);
  }
  const accessLines = (): number => gw.logs().filter((entry) => entry.msg === 'request').length;

  it('then it authenticates with its x-api-key, its call reaches the upstream with the gateway\'s key, and the cost matches its own', async () => {
    const before = accessLines();
    const run = await runClaude({ baseUrl: gw.url, prompt: 'What is 2+2? Use no tools.', apiKey: GATEWAY_KEY });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ result: 'tok0 tok1 tok2 ', is_error: false });
    expect(fake.requests).toHaveLength(1);
    const call = fake.requests[0]!;
    expect(call.path).toBe('/v1/messages?beta=true');
    expect(call.headers['x-api-key']).toBe('sk-ant-upstream-for-claude-code');
    expect(call.headers['anthropic-beta']).toContain('claude-code-20250219');
    expect(call.headers['x-claude-code-session-id']).toBe(run.result?.session_id);
    const [line] = await linesSince(before);
    // 12 x 4 + 20 x 20 = 448 USD per 1M: Claude Code's own total_cost_usd for the same usage
    expect(line).toMatchObject({ route: 'messages', key: 'claude-code', model: 'claude-opus-5-5', stream: true, stream_outcome: 'completed', tokens: { input: 12, output: 20 }, usage_source: 'provider', cost_usd: 0.000448 });
    expect((run.result as { total_cost_usd?: number }).total_cost_usd).toBeCloseTo(0.000448, 12);
  }, 90_000);

  it('then /context\'s burst of count_tokens calls all pass a key limited to 5 requests a minute', async () => {
    const run = await runClaude({ baseUrl: gw.url, prompt: '/context', apiKey: GATEWAY_KEY });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result?.result).toContain('Context Usage');
    const counted = fake.requests.filter((request) => request.path === '/v1/messages/count_tokens?beta=true');
    expect(counted.length).toBeGreaterThanOrEqual(20);
    expect(fake.requests).toHaveLength(counted.length);
    const samples = parseSamples((await scrape(gw)).text);
    expect(valueOf(samples, 'breakwater_requests_total', { route: 'count_tokens', status_code: '200' })).toBe(counted.length);
    expect(valueOf(samples, 'breakwater_ratelimit_rejections_total')).toBe(0);
  }, 90_000);

  it('then a stream cut before message_stop gets the error event, and Claude Code asks again without streaming and succeeds', async () => {
    fake.script('cc-cut', [{ truncate: true }, {}]);
    const before = accessLines();
    const run = await runClaude({ baseUrl: gw.url, prompt: 'hi', apiKey: GATEWAY_KEY, headers: { 'x-fake-scenario': 'cc-cut' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toMatchObject({ result: 'Hello from fake upstream', is_error: false });
    expect(fake.requests.map((request) => (request.json as { stream?: boolean }).stream)).toEqual([true, false]);
    const [cut, retried] = await linesSince(before);
    expect(cut).toMatchObject({ stream: true, stream_outcome: 'upstream_truncated', usage_source: 'estimated', tokens: { input: 12 } });
    expect(retried).toMatchObject({ stream: false, status: 200, usage_source: 'provider', tokens: { input: 12, output: 20 } });
  }, 90_000);
});
