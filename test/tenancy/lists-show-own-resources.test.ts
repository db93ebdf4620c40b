import { beforeAll, describe, expect, it } from 'vitest';
import { call, fakeUpstream, KEY_A, KEY_B, keyedGateway, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await keyedGateway(fake);
});

const CREATES: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ['/batches', { input_file_id: 'file-in', endpoint: '/v1/chat/completions', completion_window: '24h' }],
  ['/vector_stores', { name: 'v' }],
  ['/fine_tuning/jobs', { model: 'gpt-4o-mini', training_file: 'file-train' }],
  ['/containers', { name: 'c' }],
];

function ids(answer: Awaited<ReturnType<typeof call>>): string[] {
  return (answer.json.data as Array<{ id: string }>).map((item) => item.id);
}

describe.each(CREATES)('when two keys created resources under %s', (base, body) => {
  const mine: Record<string, string[]> = { a: [], b: [] };
  beforeAll(async () => {
    // Interleaved, so that an upstream page holds both keys' objects.
    for (let i = 0; i < 3; i++) {
      mine.a!.push(String((await call(gw, KEY_A, 'POST', base, body)).json.id));
      mine.b!.push(String((await call(gw, KEY_B, 'POST', base, body)).json.id));
    }
    // One made around the gateway: nobody's.
    await fetch(`${fake.baseUrl}${base}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  });

  it('then each key lists only its own, with first_id and last_id of what it sees', async () => {
    const a = await call(gw, KEY_A, 'GET', base);
    expect(a.status).toBe(200);
    expect(ids(a)).toEqual(mine.a);
    expect(a.json).toMatchObject({ object: 'list', first_id: mine.a![0], last_id: mine.a![2], has_more: false });
    expect(ids(await call(gw, KEY_B, 'GET', base))).toEqual(mine.b);
  });

  it('then a short upstream page keeps the upstream\'s has_more, and paging on from the last own id reaches the rest', async () => {
    const first = await call(gw, KEY_A, 'GET', `${base}?limit=2`);
    expect(ids(first)).toEqual([mine.a![0]]);
    expect(first.json).toMatchObject({ has_more: true, last_id: mine.a![0] });
    const next = await call(gw, KEY_A, 'GET', `${base}?limit=20&after=${String(first.json.last_id)}`);
    expect(ids(next)).toEqual(mine.a!.slice(1));
  });
});

describe('when the upstream answers a list with an error', () => {
  it('then the error passes through unchanged', async () => {
    const answer = await call(gw, KEY_A, 'GET', '/files', undefined, { 'x-fake-status': '500' });
    expect(answer.status).toBe(500);
    expect(answer.json.error?.type).toBe('server_error');
  });
});

describe('when the upstream answers a list with something that is not a list', () => {
  it('then the gateway refuses to pass what it cannot filter', async () => {
    const answer = await call(gw, KEY_A, 'GET', '/files', undefined, { 'x-fake-body': '{"object":"surprise"}' });
    expect(answer.status).toBe(502);
    expect(answer.json.error?.code).toBe('upstream_error');
    expect(JSON.stringify(answer.json)).not.toContain('surprise');
  });
});
