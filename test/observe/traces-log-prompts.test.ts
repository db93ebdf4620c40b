import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KEY, startStack, type Stack } from './observe-helpers.ts';

describe('when telemetry.logPrompts is on, then prompt and completion go on the server span, truncated and redacted', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ tracing: true, config: { telemetry: { logPrompts: true } } });
  });

  it('records the streamed completion and a 4096-character cut of a long prompt without the key inside it', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const long = `my key is ${CLIENT_KEY} ${'x'.repeat(10_000)}`;
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: long }] }, { headers: { 'x-fake-chunks': '2' } });
    for await (const _chunk of stream) {
      // drain
    }
    const spans = await stack.receiver!.waitForSpans((all) => all.some((s) => s.kind === 2));
    const server = spans.find((s) => s.kind === 2)!;
    const input = String(server.attributes['gen_ai.input.messages']);
    expect(input.startsWith('[{"role":"user","content":"my key is sk-client')).toBe(true);
    expect(input).not.toContain(CLIENT_KEY);
    expect(input).toContain('[REDACTED]');
    expect(input).toMatch(/…\[truncated \d+ chars\]$/);
    expect(input.length).toBeLessThan(4200);
    expect(server.attributes['gen_ai.output.messages']).toBe('tok0 tok1 ');
  });
});
