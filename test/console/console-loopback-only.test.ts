/**
 * When the gateway has no keys, then the console answers clients on this machine without a key,
 * `console.enabled: false` removes it, and with `server.adminPort` it lives on the admin port only.
 */
import { describe, expect, it } from 'vitest';
import { fakeUpstream, gatewayBefore, gatewayProcess } from '../helpers/stack.ts';

const fake = await fakeUpstream();

describe('console without gateway keys', () => {
  it('when a loopback client opens it, then it gets the page and the data without signing in', async () => {
    const gateway = await gatewayBefore(fake);
    const page = await fetch(`${gateway.url}/console`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="requests"');
    expect((await fetch(`${gateway.url}/console/snapshot`)).status).toBe(200);
  });

  it('when console.enabled is false, then /console is an unknown path', async () => {
    const gateway = await gatewayBefore(fake, { console: { enabled: false } });
    const answer = await fetch(`${gateway.url}/console`);
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('when an admin port is set, then the console is served there and no longer on the API port', async () => {
    const gateway = await gatewayProcess({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }], server: { adminPort: 0 } } });
    const adminPort = gateway.logs().find((line) => line.msg === 'listening')?.adminPort as number;
    expect((await fetch(`http://127.0.0.1:${adminPort}/console/snapshot`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${adminPort}/console`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/console`)).status).toBe(404);
  });
});
