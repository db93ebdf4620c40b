import { beforeAll, describe, expect, it } from 'vitest';
import Anthropic, { APIError, AuthenticationError, BadRequestError, InternalServerError, NotFoundError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { anthropicSdk, anthropicStack, GATEWAY_KEY, GATEWAY_KEY_HASH, MESSAGES, MODEL, post, type AnthropicStack } from './harness.ts';

/** What the SDK raised for a call, and the body it kept. */
async function failureOf(call: Promise<unknown>): Promise<APIError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('when a call through the gateway fails, then the Anthropic SDK raises its usual typed error (maxRetries: 0)', () => {
  let stack: AnthropicStack;
  let client: Anthropic;
  const base = { model: MODEL, max_tokens: 64, messages: MESSAGES };
  beforeAll(async () => {
    stack = await anthropicStack({
      keys: [{ name: 'claude-user', hash: GATEWAY_KEY_HASH, limits: { rpm: 4 } }],
      routes: [
        { match: 'claude-*', targets: [{ upstream: 'claude' }] },
        { match: 'dead-*', targets: [{ upstream: 'dead' }] },
      ],
      retry: { maxAttempts: 1 },
    }, {}, [{ name: 'dead', api: 'anthropic', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-ant-dead-upstream', timeouts: { connectMs: 500 } }]);
    client = anthropicSdk(stack.gw, {}, GATEWAY_KEY);
  });

  it('then an unknown gateway key is an AuthenticationError with Anthropic\'s envelope and x-breakwater-error', async () => {
    const error = await failureOf(anthropicSdk(stack.gw, {}, 'not-a-key').messages.create(base));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.type).toBe('authentication_error');
    expect(error.error).toEqual({ type: 'error', error: { type: 'authentication_error', message: 'Incorrect API key provided.' } });
    expect(error.headers?.get('x-breakwater-error')).toBe('auth');
  });

  it('then an upstream 429 is a RateLimitError carrying the upstream\'s own body and request-id', async () => {
    const error = await failureOf(client.messages.create(base, { headers: { 'x-fake-status': '429', 'x-fake-retry-after': '1' } }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.type).toBe('rate_limit_error');
    expect(error.requestID).toMatch(/^req_fake/);
    expect(error.headers?.get('x-breakwater-error')).toBe('rate_limited');
  });

  it('then an upstream 529 is an OverloadedError (class upstream_5xx)', async () => {
    const error = await failureOf(client.messages.create(base, { headers: { 'x-fake-status': '529' } }));
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.status).toBe(529);
    expect(error.type).toBe('overloaded_error');
    expect(error.headers?.get('x-breakwater-error')).toBe('upstream_5xx');
  });

  it('then a model no route serves is a NotFoundError of type not_found_error', async () => {
    const error = await failureOf(client.messages.create({ ...base, model: 'gpt-4o' }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.type).toBe('not_found_error');
    expect(error.message).toContain('gpt-4o');
  });

  it('then an unreachable upstream is an InternalServerError of type api_error (502)', async () => {
    const error = await failureOf(client.messages.create({ ...base, model: 'dead-model' }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    expect(error.type).toBe('api_error');
    expect(error.headers?.get('x-breakwater-error')).toBe('network');
  });

  it('then bad JSON is a 400 invalid_request_error in Anthropic\'s envelope', async () => {
    const res = await post(stack.gw, '/messages', '{"model":', { 'x-api-key': GATEWAY_KEY });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const error = await failureOf(client.messages.create({ ...base, model: '' }));
    expect(error).toBeInstanceOf(BadRequestError);
  });

  it('then the key\'s own rpm limit is a RateLimitError of type rate_limit_error that names the limit', async () => {
    // 4 per minute; earlier tests in this file used some of them
    let error: APIError | undefined;
    for (let i = 0; i < 5 && error === undefined; i++) {
      error = await client.messages.create(base).then(() => undefined, (e: unknown) => (e instanceof APIError ? e : undefined));
    }
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error?.type).toBe('rate_limit_error');
    expect(error?.message).toMatch(/Rate limit reached for requests/);
    expect(error?.headers?.get('x-breakwater-error')).toBe('gateway_rate_limited');
    expect(Number(error?.headers?.get('retry-after'))).toBeGreaterThan(0);
  });
});
