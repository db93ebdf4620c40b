import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../fixtures/otlp-receiver.ts';
import { CLIENT_KEY, startStack, type Stack } from './observe-helpers.ts';

const CLIENT_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('when OTEL_TRACES_EXPORTER=none, then nothing is exported and the gateway passes the trace context through untouched', () => {
  let stack: Stack;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({ env: { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '10' } });
    return () => receiver.close();
  });

  it('sends no span, says so at start-up, and keeps the client trace id in the upstream header and access line', async () => {
    expect(stack.gw.logs().find((l) => l.msg === 'tracing off')).toMatchObject({ tracing: false, reason: 'OTEL_TRACES_EXPORTER=none' });
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { traceparent: CLIENT_TRACEPARENT } });
    const [line] = await waitForAccessLines(stack.gw, 1);
    await sleep(300);
    expect(receiver.spans).toHaveLength(0);
    expect(stack.fake.requests[0]?.headers['traceparent']).toBe(CLIENT_TRACEPARENT);
    expect(line?.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(line?.span_id).toBeUndefined();
  });
});
