import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, streamText } from 'ai';
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

describe('when an agent framework is pointed at the gateway', () => {
  it('then the Vercel AI SDK default model (Responses API) generates text', async () => {
    const openai = createOpenAI({ baseURL: gateway.baseURL, apiKey: 'sk-ai-sdk-000001' });
    const result = await generateText({ model: openai('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    expect(result.text).toBe('Hello from fake upstream');
    expect(fake.requests.at(-1)!.path).toBe('/v1/responses');
  });

  it('then the Vercel AI SDK chat model streams text', async () => {
    const openai = createOpenAI({ baseURL: gateway.baseURL, apiKey: 'sk-ai-sdk-000002' });
    const result = streamText({ model: openai.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('tok0 tok1 tok2 ');
    expect(fake.requests.at(-1)!.path).toBe('/v1/chat/completions');
    expect((await result.usage).outputTokens).toBe(20);
  });

  it('then LangChain ChatOpenAI invokes and streams', async () => {
    const model = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-langchain-0001', maxRetries: 0, configuration: { baseURL: gateway.baseURL } });
    const message = await model.invoke('hi');
    expect(message.content).toBe('Hello from fake upstream');
    let streamed = '';
    for await (const chunk of await model.stream('hi')) streamed += String(chunk.content);
    expect(streamed).toBe('tok0 tok1 tok2 ');
  });
});
