import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, hashKey, metric, upstreamsOf, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

const TEAM = 'sk-team-only-mini';
const OPEN = 'sk-open-any-model';

describe('when a key may call only some models (keys[].allowedModels)', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      keys: [
        { name: 'team', hash: hashKey(TEAM), allowedModels: ['gpt-4o-mini', 'text-embedding-*'] },
        { name: 'open', hash: hashKey(OPEN) },
      ],
    });
  });

  it('then another model is 403 model_not_allowed (class policy) before any upstream call, and is counted', async () => {
    const answer = await call(gw, { key: TEAM, body: { model: 'gpt-4o' } });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('x-breakwater-error')).toBe('policy');
    expect(JSON.parse(answer.text)).toEqual({ error: { message: 'This key may not call the model `gpt-4o`', type: 'invalid_request_error', code: 'model_not_allowed', param: 'model' } });
    expect(chats(fake)).toBe(0);
    const [line] = await waitForAccessLines(gw, 1);
    expect(line).toMatchObject({ key: 'team', status: 403, error_type: 'policy', error_code: 'model_not_allowed', policy: ['model_denied'] });
    expect(await metric(gw, 'breakwater_policy_actions_total', { route: '*', action: 'model_denied' })).toBe(1);
  });

  it('then the models it may call are served, and other keys call any model', async () => {
    expect((await call(gw, { key: TEAM })).status).toBe(200);
    expect((await call(gw, { key: TEAM, path: '/embeddings', raw: JSON.stringify({ model: 'text-embedding-3-small', input: 'hi' }) })).status).toBe(200);
    expect((await call(gw, { key: OPEN, body: { model: 'gpt-4o' } })).status).toBe(200);
  });

  it('then GET /v1/models lists only the models the key may call', async () => {
    const list = async (key: string): Promise<string[]> => {
      const res = await fetch(`${gw.baseURL}/models`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id).sort();
    };
    expect(await list(TEAM)).toEqual(['gpt-4o-mini', 'text-embedding-3-small']);
    expect(await list(OPEN)).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
  });
});
