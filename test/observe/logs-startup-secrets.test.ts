import { describe, expect, it } from 'vitest';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

describe('when an upstream base URL carries credentials and state names an unset REDIS_URL', () => {
  it('then the start-up line shows neither, and a warning (also in /readyz) says limits are per replica', async () => {
    const fake = await fakeUpstream();
    const withSecrets = fake.baseUrl.replace('http://', 'http://svc-user:pw-in-url-4711@') + '?key=query-key-0815';
    const gateway = await gatewayProcess({ config: { upstreams: [{ name: 'fake', baseUrl: withSecrets }], state: { redisUrl: '${REDIS_URL}' } } });
    const stdout = gateway.stdout();
    expect(stdout).not.toContain('pw-in-url-4711');
    expect(stdout).not.toContain('query-key-0815');
    const listening = gateway.logs().find((line) => line.msg === 'listening');
    expect((listening?.upstreams as Array<{ baseUrl: string }>)[0]!.baseUrl).toContain('redacted:redacted@127.0.0.1');
    const warning = gateway.logs().find((line) => line.level === 'warn' && line.path === 'state.redisUrl');
    expect(warning).toMatchObject({ variable: 'REDIS_URL', consequence: expect.stringContaining('per replica') });
    const ready = (await (await fetch(`${gateway.url}/readyz`)).json()) as { state: { backend: string; warning?: string } };
    expect(ready.state).toMatchObject({ backend: 'memory', warning: expect.stringContaining('${REDIS_URL}') });
  });
});
