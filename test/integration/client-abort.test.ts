import OpenAI from 'openai';
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

async function until(predicate: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('when a client disconnects mid-stream', () => {
  it('then the upstream request is aborted at once and the outcome is client_cancelled', async () => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'sk-abort-test-000001', maxRetries: 0 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'long story' }] },
      { headers: { 'x-fake-chunks': '50', 'x-fake-chunk-delay-ms': '100', 'x-fake-scenario': 'abort-1' }, signal: controller.signal },
    );
    let received = 0;
    try {
      for await (const _chunk of stream) {
        received += 1;
        if (received === 2) controller.abort();
      }
    } catch {
      // The SDK may surface the abort as an error or just end the iteration.
    }
    expect(received).toBeLessThan(10);
    const upstreamRequest = fake.requests.find((request) => request.scenario === 'abort-1')!;
    const abortedAt = Date.now();
    await until(() => upstreamRequest.aborted);
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    const [line] = (await waitForAccessLines(gateway, 1)).filter((entry) => entry.stream === true);
    expect(line).toMatchObject({ stream_outcome: 'client_cancelled', error_type: 'client_closed' });
  });
});
