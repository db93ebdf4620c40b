import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FAST_RETRY, MESSAGES, QUIET_BREAKER, gateway, logsWith, sdk, waitForAccessLines, type RunningGateway } from './harness.ts';

/** A loopback port that was free a moment ago and has no listener now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('when nothing listens on the upstream port', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    const port = await closedPort();
    gw = await gateway({ upstreams: [{ name: 'a', baseUrl: `http://127.0.0.1:${port}/v1`, breaker: QUIET_BREAKER }], retry: FAST_RETRY });
  });

  it('then the gateway retries and answers 502 network with the OpenAI error shape', async () => {
    const error = await sdk(gw).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.error).toMatchObject({ type: 'upstream_error', code: 'upstream_unreachable' });
    expect(apiError.headers?.get('x-breakwater-error')).toBe('network');
    expect(apiError.headers?.get('x-breakwater-attempts')).toBe('3');
    expect(apiError.headers?.get('x-breakwater-upstream')).toBe('a');
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ status: 502, error_type: 'network', attempts: 3 });
    expect(logsWith(gw, 'retry scheduled')).toHaveLength(2);
  });
});
