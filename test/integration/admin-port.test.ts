import { beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';

let gateway: RunningGateway;
let admin: string;

beforeAll(async () => {
  const fake = await fakeUpstream();
  gateway = await gatewayProcess({
    config: {
      server: { adminPort: 0 },
      upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream' }],
      keys: [{ name: 'team-secret-name', hash: hashKey('bw-team'), limits: { dailyBudgetUsd: 5 } }],
    },
  });
  const port = gateway.logs().find((line) => line.msg === 'listening')?.adminPort as number;
  admin = `http://127.0.0.1:${port}`;
});

describe('when server.adminPort is set', () => {
  it('then metrics and readiness are served there and not on the API port, which keeps /healthz', async () => {
    await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer bw-team', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    for (const path of ['/metrics', '/readyz']) {
      const api = await fetch(`${gateway.url}${path}`, { headers: { authorization: 'Bearer bw-team' } });
      expect(api.status, path).toBe(404);
      expect(await api.text()).not.toContain('team-secret-name');
    }
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);

    const metrics = await fetch(`${admin}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('key="team-secret-name"');
    const ready = await fetch(`${admin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', upstreams: { fake: 'closed' } });
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    expect((await fetch(`${admin}/v1/chat/completions`)).status).toBe(404);
  });
});
