import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayBefore } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayBefore(fake);
});

describe('when a client sends a model name of thousands of characters', () => {
  it('then it is a 400 invalid_request, never sent upstream, never logged whole, never a metric label', async () => {
    const model = `gpt-${'x'.repeat(10_000)}`;
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-breakwater-error')).toBe('invalid_request');
    expect(await response.json()).toMatchObject({ error: { param: 'model', type: 'invalid_request_error' } });
    expect(fake.requests).toHaveLength(0);
    await waitForAccessLines(gateway, 1);
    expect(gateway.stdout()).not.toContain('x'.repeat(300));
    expect(await (await fetch(`${gateway.url}/metrics`)).text()).not.toContain('x'.repeat(300));
  });

  it('then a name of exactly 256 characters still goes through', async () => {
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm'.repeat(256), messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
  });
});
