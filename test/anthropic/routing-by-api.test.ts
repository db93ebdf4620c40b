import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { BadRequestError } from '@anthropic-ai/sdk';
import { startGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { anthropicSdk, messageBody, MESSAGES, MODEL, post, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when a route mixes upstreams of the OpenAI and Anthropic APIs, then the gateway refuses to start and names the route', () => {
  it('exits non-zero listing the route', async () => {
    const gw = await startGateway({
      waitListening: false,
      config: {
        upstreams: [{ name: 'oa', baseUrl: 'http://127.0.0.1:9/v1' }, { name: 'an', api: 'anthropic', baseUrl: 'http://127.0.0.1:9/v1' }],
        routes: [{ match: '*', targets: [{ upstream: 'oa' }, { upstream: 'an' }] }],
      },
    });
    expect(await gw.exited).not.toBe(0);
    expect(gw.stderr()).toContain('routes.0.targets: mixes upstreams of the openai and anthropic APIs');
  });
});

describe('when upstreams of both APIs sit behind one gateway, then each request reaches only upstreams of the API it speaks', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gatewayProcess({
      config: {
        upstreams: [{ name: 'oa', baseUrl: fake.baseUrl }, { name: 'an', api: 'anthropic', baseUrl: fake.baseUrl }],
        routes: [
          { match: 'claude-*', targets: [{ upstream: 'an' }] },
          { match: 'gpt-*', targets: [{ upstream: 'oa' }] },
          // the same name through both APIs: each API takes its own route
          { match: 'shared-model', targets: [{ upstream: 'an' }] },
          { match: 'shared-model', targets: [{ upstream: 'oa' }] },
        ],
      },
    });
  });

  it('then the Anthropic SDK reaches the anthropic upstream and the OpenAI SDK the openai one, even for the same model name', async () => {
    const message = await anthropicSdk(gw).messages.create({ model: 'shared-model', max_tokens: 16, messages: MESSAGES }).withResponse();
    expect(message.response.headers.get('x-breakwater-upstream')).toBe('an');
    const chat = await new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-x', maxRetries: 0 }).chat.completions.create({ model: 'shared-model', messages: MESSAGES }).withResponse();
    expect(chat.response.headers.get('x-breakwater-upstream')).toBe('oa');
  });

  it('then GET /v1/models lists the models of the Anthropic routes too, and the Anthropic SDK can page through it', async () => {
    const page = await anthropicSdk(gw).models.list();
    const ids = page.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['shared-model']));
    const listed = (await (await fetch(`${gw.baseURL}/models`)).json()) as { data: Array<{ id: string }> };
    expect(listed.data.map((model) => model.id)).toEqual(expect.arrayContaining(['shared-model']));
  });

  it('then an OpenAI request for a model served through the Messages API is a 400 api_mismatch in OpenAI\'s envelope', async () => {
    const res = await post(gw, '/chat/completions', JSON.stringify({ model: MODEL, messages: MESSAGES }));
    expect(res.status).toBe(400);
    expect(res.headers.get('x-breakwater-error')).toBe('invalid_request');
    expect(JSON.parse(res.text)).toMatchObject({ error: { type: 'invalid_request_error', code: 'api_mismatch', param: 'model' } });
    expect(JSON.parse(res.text).error.message).toContain('the Anthropic Messages API (/v1/messages)');
  });

  it('then an Anthropic request for a model served through the OpenAI API is a 400 invalid_request_error in Anthropic\'s envelope', async () => {
    const res = await post(gw, '/messages', messageBody({ model: 'gpt-4o-mini' }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('the OpenAI API') } });
    await expect(anthropicSdk(gw).messages.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: MESSAGES })).rejects.toBeInstanceOf(BadRequestError);
    expect(fake.requests.filter((request) => request.json !== undefined && (request.json as { model?: string }).model === 'gpt-4o-mini')).toHaveLength(0);
  });
});

describe('when no upstream speaks the Anthropic API, then an Anthropic client is told so', () => {
  it('answers 400 naming the missing `api: anthropic`', async () => {
    const fake = await fakeUpstream();
    const gw = await gatewayProcess({ config: { upstreams: [{ name: 'oa', baseUrl: fake.baseUrl }] } });
    const res = await post(gw, '/messages', messageBody());
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toContain('add one with `api: anthropic`');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('when nothing is configured (zero-config), then /v1/messages goes to Anthropic and /v1/chat/completions to OpenAI', () => {
  it('names the default upstream each API reached', async () => {
    // Offline the default upstreams cannot be reached (and online they refuse a dummy key): which one was asked is the point.
    const gw = await gatewayProcess({ config: { server: { host: '127.0.0.1' }, retry: { maxAttempts: 1 } } });
    expect(gw.logs().find((line) => line.msg === 'listening')?.upstreams).toEqual([
      { name: 'openai', api: 'openai', baseUrl: 'https://api.openai.com/v1', credentials: 'client' },
      { name: 'anthropic', api: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', credentials: 'client' },
    ]);
    const messages = await post(gw, '/messages', messageBody(), { 'x-api-key': 'sk-ant-dummy' });
    expect(messages.headers.get('x-breakwater-upstream')).toBe('anthropic');
    const chat = await post(gw, '/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: MESSAGES }), { authorization: 'Bearer sk-dummy' });
    expect(chat.headers.get('x-breakwater-upstream')).toBe('openai');
  });
});
