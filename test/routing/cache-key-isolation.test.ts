import { beforeAll, describe, expect, it } from 'vitest';
import { call, chats, fakeUpstream, gateway, hashKey, upstreamsOf, type FakeUpstream, type RunningGateway } from './harness.ts';

const A = 'sk-team-a-cache';
const B = 'sk-team-b-cache';
const idOf = (text: string): string => (JSON.parse(text) as { id: string }).id;

describe('when two keys send the same call to a caching route', () => {
  let fake: FakeUpstream;
  let gw: RunningGateway;
  beforeAll(async () => {
    fake = await fakeUpstream();
    gw = await gateway({
      upstreams: upstreamsOf({ fake }),
      routes: [
        { match: 'gpt-4o-mini', targets: [{ upstream: 'fake' }], cache: {} },
        { match: 'gpt-*', targets: [{ upstream: 'fake' }] },
      ],
      keys: [{ name: 'a', hash: hashKey(A) }, { name: 'b', hash: hashKey(B) }],
    });
  });

  it("then neither is ever answered with the other's stored answer", async () => {
    const first = await call(gw, { key: A });
    const other = await call(gw, { key: B });
    expect(other.headers.get('x-breakwater-cache')).toBe('miss');
    expect(idOf(other.text)).not.toBe(idOf(first.text));
    expect(chats(fake)).toBe(2);
    expect(idOf((await call(gw, { key: A })).text)).toBe(idOf(first.text));
    expect(idOf((await call(gw, { key: B })).text)).toBe(idOf(other.text));
    expect(chats(fake)).toBe(2);
  });

  it('then a route without a cache stores nothing and says nothing about it', async () => {
    const answers = [await call(gw, { key: A, body: { model: 'gpt-4o' } }), await call(gw, { key: A, body: { model: 'gpt-4o' } })];
    expect(answers.map((answer) => answer.headers.get('x-breakwater-cache'))).toEqual([null, null]);
    expect(idOf(answers[1]!.text)).not.toBe(idOf(answers[0]!.text));
  });
});
