import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, gatewayProcess, keyedConfig, KEY_A, type FakeUpstream, type RunningGateway } from './harness.ts';

const CLIENT_ORG = { 'openai-organization': 'org-client-chosen', 'openai-project': 'proj_client_chosen' };
const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

let fake: FakeUpstream;
let injecting: RunningGateway;
let configuredOrg: RunningGateway;
let clientKeys: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  injecting = await gatewayProcess({ config: keyedConfig(fake, [KEY_A]) });
  const withOrg = keyedConfig(fake, [KEY_A]);
  (withOrg.upstreams as Array<Record<string, unknown>>)[0]!.headers = { 'OpenAI-Organization': 'org-operator' };
  configuredOrg = await gatewayProcess({ config: withOrg });
  clientKeys = await gatewayProcess({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }] } });
});

function lastUpstreamHeaders(): Record<string, unknown> {
  return fake.requests.at(-1)!.headers;
}

describe('when the gateway injects its own upstream key', () => {
  it('then the client OpenAI-Organization and OpenAI-Project headers are not forwarded on understood calls', async () => {
    expect((await call(injecting, KEY_A, 'POST', '/chat/completions', CHAT, CLIENT_ORG)).status).toBe(200);
    expect(lastUpstreamHeaders()['openai-organization']).toBeUndefined();
    expect(lastUpstreamHeaders()['openai-project']).toBeUndefined();
  });

  it('then they are not forwarded on passthrough calls either', async () => {
    expect((await call(injecting, KEY_A, 'GET', '/organization/costs?start_time=1', undefined, CLIENT_ORG)).status).toBe(200);
    expect(lastUpstreamHeaders()['openai-organization']).toBeUndefined();
    expect(lastUpstreamHeaders()['openai-project']).toBeUndefined();
  });

  it('then an OpenAI-Organization configured in upstreams[].headers still goes, on both paths', async () => {
    await call(configuredOrg, KEY_A, 'POST', '/chat/completions', CHAT, CLIENT_ORG);
    expect(lastUpstreamHeaders()['openai-organization']).toBe('org-operator');
    expect(lastUpstreamHeaders()['openai-project']).toBeUndefined();
    await call(configuredOrg, KEY_A, 'GET', '/organization/costs?start_time=1', undefined, CLIENT_ORG);
    expect(lastUpstreamHeaders()['openai-organization']).toBe('org-operator');
    expect(lastUpstreamHeaders()['openai-project']).toBeUndefined();
  });
});

describe('when clients bring their own upstream key', () => {
  it('then their organization and project headers go with it', async () => {
    await call(clientKeys, undefined, 'POST', '/chat/completions', CHAT, { authorization: 'Bearer sk-client-own', ...CLIENT_ORG });
    expect(lastUpstreamHeaders()).toMatchObject(CLIENT_ORG);
    await call(clientKeys, undefined, 'GET', '/organization/costs?start_time=1', undefined, { authorization: 'Bearer sk-client-own', ...CLIENT_ORG });
    expect(lastUpstreamHeaders()).toMatchObject(CLIENT_ORG);
  });
});
