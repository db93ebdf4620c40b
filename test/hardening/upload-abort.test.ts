import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines, type RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayBefore } from '../helpers/stack.ts';

let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await gatewayBefore(await fakeUpstream());
});

describe('when a client goes away while uploading its request body', () => {
  it('then the request is recorded as client_closed (499), never as an internal error', async () => {
    for (const cut of ['destroy', 'reset'] as const) {
      const socket = connect(gateway.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.on('error', () => undefined);
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"model":"gpt-4o-mini","messages":[`);
      socket.write('{"role":"user","content":"' + 'x'.repeat(20_000));
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (cut === 'reset') socket.resetAndDestroy();
      else socket.destroy();
    }
    const lines = await waitForAccessLines(gateway, 2);
    for (const line of lines) expect(line).toMatchObject({ status: 499, error_type: 'client_closed' });
    expect(gateway.logs().filter((line) => line.level === 'error')).toEqual([]);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).not.toMatch(/error_type="internal"/);
  });
});
