import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, fakeUpstream, gateway, sdk, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

describe('when the upstream answers 400', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({ upstreams: [{ name: 'a', baseUrl: fake.baseUrl, breaker: QUIET_BREAKER }], retry: FAST_RETRY });
  });

  it('then it is not retried and the client gets the upstream answer unchanged', async () => {
    const error = await sdk(gw, { 'x-fake-status': '400' }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.message).toContain('Invalid request (fake upstream).');
    expect(apiError.headers.get('x-breakwater-error')).toBe('invalid_request');
    expect(apiError.headers.get('x-breakwater-attempts')).toBe('1');
    expect(fake.requests).toHaveLength(1);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 400, error_type: 'invalid_request', attempts: 1 });
  });
});
