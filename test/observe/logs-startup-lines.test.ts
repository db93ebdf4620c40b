import { beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM_KEY, startStack, type Stack } from './observe-helpers.ts';

describe('when the gateway starts, then its first lines say where it listens, what it loaded and whether it traces', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { routes: [{ match: 'gpt-4o*', targets: [{ upstream: 'fake' }] }] } });
  });

  it('logs listening (port, upstreams, routes) and tracing off, as JSON with the upstream key only as "configured"', () => {
    const lines = stack.gw.logs();
    expect(lines.find((l) => l.msg === 'tracing off')).toMatchObject({ level: 'info', service: 'breakwater', tracing: false, reason: 'no OTEL exporter configured' });
    const listening = lines.find((l) => l.msg === 'listening');
    expect(listening).toMatchObject({
      level: 'info',
      port: stack.gw.port,
      upstreams: [{ name: 'fake', baseUrl: stack.fake.baseUrl, credentials: 'configured' }],
      routes: [{ match: 'gpt-4o*', targets: ['fake'] }],
    });
    expect(typeof listening?.time).toBe('string');
    expect(stack.gw.stdout()).not.toContain(UPSTREAM_KEY);
  });
});
