import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayProcess({ config: { upstreams: [{ name: 'azure', baseUrl: fake.baseUrl, apiKey: 'azure-key-0123456789', apiKeyHeader: 'api-key' }] } });
});

describe('when an upstream takes its key in the api-key header (Azure OpenAI)', () => {
  it('then understood calls carry api-key and never the client credentials', async () => {
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-never-upstream' },
      body: '{"model":"gpt-4o-mini","messages":[]}',
    });
    expect(response.status).toBe(200);
    const received = fake.requests.at(-1)!;
    expect(received.headers['api-key']).toBe('azure-key-0123456789');
    expect(received.headers.authorization).toBeUndefined();
  });

  it('then passthrough calls carry it too', async () => {
    await fetch(`${gateway.baseURL}/files`, { headers: { authorization: 'Bearer sk-client-never-upstream' } });
    const received = fake.requests.at(-1)!;
    expect(received.headers['api-key']).toBe('azure-key-0123456789');
    expect(received.headers.authorization).toBeUndefined();
  });
});
