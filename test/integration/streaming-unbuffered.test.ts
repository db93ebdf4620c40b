import { request } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayBefore } from '../helpers/stack.ts';

let fake: FakeUpstream;
let gateway: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gateway = await gatewayBefore(fake);
});

describe('when the upstream streams slowly', () => {
  it('then the first chunk reaches the client long before the upstream sends the last', async () => {
    const started = performance.now();
    const response = await request(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-chunks': '5', 'x-fake-chunk-delay-ms': '150' },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.headers['content-type']).toContain('text/event-stream');
    const arrivals: number[] = [];
    let text = '';
    for await (const chunk of response.body) {
      arrivals.push(performance.now() - started);
      text += chunk.toString();
    }
    // Upstream needs >= 6 x 150 ms for the whole stream; the first content must not wait for it.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(600);
    expect(arrivals.length).toBeGreaterThanOrEqual(5);
    expect(text).toContain('tok4');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});
