import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessLines, fakeUpstream, gatewayProcess, KEY_A, keyedConfig, llmCalls, metric, sdk, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({ config: keyedConfig([fake]) });
});

const MESSAGES = [{ role: 'user' as const, content: 'hi' }];

describe('when the openai SDK times out and retries a call that carries an Idempotency-Key', () => {
  it('then every try carries the same key, the gateway runs the call once and the SDK gets its answer', async () => {
    // Each try gives up after 400 ms; the upstream needs 1 s. Without the key, each try would be a new billed call.
    const client = sdk(gw, undefined, { maxRetries: 4, timeout: 400 });
    const completion = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: MESSAGES },
      { headers: { 'Idempotency-Key': 'sdk-retry-1', 'x-fake-delay-ms': '1000' } },
    );
    expect(completion.choices[0]?.message.content).toBe('Hello from fake upstream');
    expect(llmCalls(fake).filter((r) => r.headers['idempotency-key'] === 'sdk-retry-1')).toHaveLength(1);
    await until(() => accessLines(gw).length >= 2, 'the access lines of the tries');
    const executed = await metric(gw, 'breakwater_idempotent_requests_total', { outcome: 'executed' });
    const served = (await metric(gw, 'breakwater_idempotent_requests_total', { outcome: 'attached' })) + (await metric(gw, 'breakwater_idempotent_requests_total', { outcome: 'replayed' }));
    // The SDK's retries reached the gateway under the same key: only the first try ran.
    expect(executed).toBe(1);
    expect(served).toBeGreaterThanOrEqual(1);
    // The first try's client gave up, but its call finished and its usage was accounted once.
    const ran = accessLines(gw).filter((line) => line.durable === undefined);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ status: 200, client_left: true, usage_source: 'provider', tokens: { input: 12, output: 20 } });
  });

  it('then, without one from the app, the SDK sends no Idempotency-Key of its own (its retries are new calls)', async () => {
    await sdk(gw).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }, { headers: { 'x-fake-scenario': 'no-key' } });
    const call = fake.requests.find((r) => r.scenario === 'no-key');
    expect(call?.headers['idempotency-key']).toBeUndefined();
  });
});

/** The SDK's own switch: with `idempotencyHeader` set it makes one key per call (`stainless-node-retry-<uuid>`) and resends it on each retry. */
class IdempotentOpenAI extends OpenAI {
  protected override idempotencyHeader = 'Idempotency-Key';
}

describe('when the openai SDK is switched to send its own Idempotency-Key and its try times out', () => {
  it('then its retry carries the key of that call, and the upstream is called once', async () => {
    const client = new IdempotentOpenAI({ baseURL: gw.baseURL, apiKey: KEY_A.secret, maxRetries: 4, timeout: 400 });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }, { headers: { 'x-fake-delay-ms': '1000', 'x-fake-scenario': 'sdk-own-key' } });
    expect(completion.choices[0]?.message.content).toBe('Hello from fake upstream');
    const calls = fake.requests.filter((r) => r.scenario === 'sdk-own-key');
    expect(calls).toHaveLength(1);
    expect(String(calls[0]?.headers['idempotency-key'])).toMatch(/^stainless-node-retry-/);
  });
});
