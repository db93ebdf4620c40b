import { beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../fixtures/otlp-receiver.ts';
import { afterFile, fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { anthropicSdk, MESSAGES, MODEL, SONNET, usageHeader, type RunningGateway } from './harness.ts';

describe('when a Messages call is traced, then its spans say provider anthropic, operation chat, with the usage attributes', () => {
  let receiver: OtlpReceiver;
  let gw: RunningGateway;
  beforeAll(async () => {
    const fake = await fakeUpstream();
    receiver = await startOtlpReceiver();
    afterFile(() => receiver.close());
    gw = await gatewayProcess({
      config: { upstreams: [{ name: 'claude', api: 'anthropic', baseUrl: fake.baseUrl, apiKey: 'sk-ant-upstream-key' }], pricing: { models: { [MODEL]: SONNET } } },
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' },
    });
  });

  it('exports `chat claude-sonnet-4-6` (server and client spans), then `count_tokens claude-sonnet-4-6`', async () => {
    const client = anthropicSdk(gw);
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, temperature: 0.5, messages: MESSAGES }, { headers: usageHeader({ input_tokens: 100, cache_read_input_tokens: 40, cache_creation_input_tokens: 10, output_tokens: 30, mode: 'both', deltas: 2 }) });
    await stream.finalMessage();
    const spans = await receiver.waitForSpans((all) => all.some((s) => s.kind === 2) && all.some((s) => s.kind === 3));
    const server = spans.find((s) => s.kind === 2)!;
    expect(server.name).toBe(`chat ${MODEL}`);
    expect(server.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'gen_ai.response.model': MODEL,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.stream': true,
      // semconv totals: input includes cache reads and writes
      'gen_ai.usage.input_tokens': 150,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.cache_creation.input_tokens': 10,
      'breakwater.tokens.input': 100,
      'breakwater.usage_source': 'provider',
      'breakwater.stream_outcome': 'completed',
      'http.route': '/v1/messages',
    });
    expect(server.attributes['openai.api.type']).toBeUndefined();
    // 100 x 3 + 40 x 0.3 + 10 x 3.75 + 30 x 15 = 799.5 USD per 1M
    expect(server.attributes['breakwater.cost_usd']).toBe(0.0007995);
    const attempt = spans.find((s) => s.kind === 3)!;
    expect(attempt.name).toBe(`chat ${MODEL}`);
    expect(attempt.attributes).toMatchObject({ 'gen_ai.provider.name': 'anthropic', 'gen_ai.operation.name': 'chat', 'breakwater.upstream': 'claude' });

    await client.messages.countTokens({ model: MODEL, messages: MESSAGES });
    const counted = await receiver.waitForSpans((all) => all.some((s) => s.kind === 2 && s.name === `count_tokens ${MODEL}`));
    const countSpan = counted.find((s) => s.kind === 2 && s.name === `count_tokens ${MODEL}`)!;
    expect(countSpan.attributes).toMatchObject({ 'gen_ai.operation.name': 'count_tokens', 'gen_ai.provider.name': 'anthropic' });
    expect(countSpan.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });
});
