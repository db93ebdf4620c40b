import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { anthropicStack, GATEWAY_KEY, GATEWAY_KEY_HASH, MESSAGES, MODEL, post, UPSTREAM_KEY, type AnthropicStack } from './harness.ts';

const base = { model: MODEL, max_tokens: 16, messages: MESSAGES };

/** The SDK sending the key the way Claude Code does: `x-api-key`, no Authorization. */
function xApiKeyClient(url: string, key: string): Anthropic {
  return new Anthropic({ baseURL: url, apiKey: null, authToken: null, maxRetries: 0, defaultHeaders: { 'x-api-key': key } });
}

describe('when gateway keys are configured, then an Anthropic client authenticates with its usual header', () => {
  let stack: AnthropicStack;
  beforeAll(async () => {
    stack = await anthropicStack({ keys: [{ name: 'claude-team', hash: GATEWAY_KEY_HASH }] });
  });
  beforeEach(() => stack.fake.reset());

  it('then the key in x-api-key is accepted, and upstream only the gateway\'s own key goes, as x-api-key', async () => {
    const { response } = await xApiKeyClient(stack.gw.url, GATEWAY_KEY).messages.create(base).withResponse();
    expect(response.status).toBe(200);
    const headers = stack.fake.requests[0]!.headers;
    expect(headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(headers.authorization).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(GATEWAY_KEY);
  });

  it('then the key as Authorization: Bearer (the SDK\'s apiKey) is accepted too', async () => {
    const client = new Anthropic({ baseURL: stack.gw.url, apiKey: GATEWAY_KEY, maxRetries: 0 });
    await expect(client.messages.countTokens({ model: MODEL, messages: MESSAGES })).resolves.toMatchObject({ input_tokens: expect.any(Number) });
    expect(JSON.stringify(stack.fake.requests[0]!.headers)).not.toContain(GATEWAY_KEY);
  });

  it('then a wrong x-api-key, or none, is a 401 authentication_error, and nothing reaches the upstream', async () => {
    const wrong = await post(stack.gw, '/messages', JSON.stringify(base), { 'x-api-key': 'sk-ant-someone-elses' });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const none = await post(stack.gw, '/messages/count_tokens', JSON.stringify({ model: MODEL, messages: MESSAGES }));
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text).error.message).toContain('x-api-key');
    expect(stack.fake.requests).toHaveLength(0);
  });

  it('then x-api-key works on the OpenAI paths as well', async () => {
    const res = await post(stack.gw, '/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES }), { 'x-api-key': GATEWAY_KEY });
    // authenticated: refused only because no upstream here speaks the OpenAI API
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toBe('api_mismatch');
  });
});

describe('when neither gateway keys nor an upstream key are configured, then the client\'s own Anthropic key goes upstream untouched', () => {
  it('passes x-api-key through', async () => {
    const fake = await fakeUpstream();
    const gw = await gatewayProcess({ config: { upstreams: [{ name: 'claude', api: 'anthropic', baseUrl: fake.baseUrl }] } });
    await xApiKeyClient(gw.url, 'sk-ant-users-own-key').messages.create(base);
    expect(fake.requests[0]?.headers['x-api-key']).toBe('sk-ant-users-own-key');
  });
});
