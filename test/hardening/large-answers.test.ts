import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayBefore } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayBefore(fake, { server: { maxBodyBytes: 20 * 1024 * 1024 } });
});

describe('when an embeddings answer puts usage after ~23 MB of vectors', () => {
  it('then the gateway relays it whole and reads the provider usage from the end, as the bytes pass', async () => {
    const input = Array.from({ length: 2_048 }, (_, i) => `document number ${i}`);
    const response = await request(`${gateway.baseURL}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-embedding-dims': '1536', 'x-fake-usage': JSON.stringify({ prompt_tokens: 12_345 }) },
      body: JSON.stringify({ model: 'text-embedding-3-small', input }),
    });
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    expect(response.statusCode).toBe(200);
    expect(bytes).toBeGreaterThan(20 * 1024 * 1024);
    const [line] = await waitForAccessLines(gateway, 1, 10_000);
    expect(line).toMatchObject({ usage_source: 'provider', tokens: { input: 12_345, output: 0 }, response_model: 'text-embedding-3-small' });
  });
});
