import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { UPSTREAM_KEY, startStack, type Stack } from './observe-helpers.ts';

const GATEWAY_KEY = 'bw-team-a-7f3c9e1d5b2a4c6e8f0a1b2c3d4e5f60';
const WRONG_KEY = 'sk-wrong-9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';
const SECRETS = [GATEWAY_KEY, WRONG_KEY, UPSTREAM_KEY];

describe('when traffic including error paths passes, then every stdout line is JSON and no secret appears in logs or spans', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      tracing: true,
      config: {
        keys: [{ name: 'team-a', hash: `sha256:${createHash('sha256').update(GATEWAY_KEY).digest('hex')}` }],
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, budgetRatio: 1 },
        telemetry: { logLevel: 'debug' },
      },
    });
  });

  it('keeps the client bearer, the wrong key and the upstream key out of stdout, stderr and span attributes', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: GATEWAY_KEY, maxRetries: 0 });
    const wrong = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: WRONG_KEY, maxRetries: 0 });
    const echo = JSON.stringify({ error: { message: `Incorrect API key provided: ${UPSTREAM_KEY}. Bearer ${UPSTREAM_KEY}`, type: 'invalid_request_error', code: 'invalid_api_key', param: null } });

    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await wrong.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch(() => undefined);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }, { headers: { 'x-fake-status': '401', 'x-fake-body': echo } }).catch(() => undefined);
    stack.fake.script('flaky', [{ status: 503 }, {}]);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-fake-scenario': 'flaky' } });
    for await (const _chunk of stream) {
      // drain
    }
    await (await request(`${stack.gw.baseURL}/chat/completions?api_key=${GATEWAY_KEY}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).body.text();
    await (await request(`${stack.gw.baseURL}/files`, { headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'api-key': GATEWAY_KEY } })).body.text();
    await (await request(`${stack.gw.baseURL}/chat/completions`, { method: 'POST', body: 'not json', headers: { authorization: `Bearer ${WRONG_KEY}`, 'content-type': 'application/json' } })).body.text();
    await waitForAccessLines(stack.gw, 6);
    const spans = await stack.receiver!.waitForSpans((all) => all.filter((s) => s.kind === 2).length >= 6);
    expect(await stack.gw.stop()).toBe(0);

    const lines = stack.gw.stdout().split('\n').filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(8);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.some((l) => l.includes('"msg":"retry scheduled"'))).toBe(true);
    // The upstream's 401 reached its access line as auth, with the echoed key nowhere.
    expect(stack.gw.logs().filter((l) => l.msg === 'request').map((l) => l.error_type)).toContain('auth');

    const everything = [stack.gw.stdout(), stack.gw.stderr(), JSON.stringify(spans, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))].join('\n');
    for (const secret of SECRETS) expect(everything.includes(secret), `a secret leaked: ${secret.slice(0, 8)}...`).toBe(false);
    // Key names, never key material, label the traffic.
    expect(spans.filter((s) => s.kind === 2).map((s) => s.attributes['breakwater.key'])).toContain('team-a');
  });
});
