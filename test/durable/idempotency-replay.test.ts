import { beforeAll, describe, expect, it } from 'vitest';
import { accessLines, chat, fakeUpstream, gatewayProcess, hashKey, KEY_A, KEY_B, keyedConfig, llmCalls, metric, send, until, waitForAccessLines, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  // rpm 3: a replay that counted would be refused long before the end of this file.
  gw = await gatewayProcess({ config: keyedConfig([fake], { keys: [{ name: KEY_A.name, hash: hashKey(KEY_A.secret), limits: { rpm: 3 } }, { name: KEY_B.name, hash: hashKey(KEY_B.secret) }] }) });
});

const callsWith = (key: string): number => llmCalls(fake).filter((r) => r.headers['idempotency-key'] === key).length;

describe('when a request repeats an Idempotency-Key whose call is done', () => {
  it('then the stored answer is replayed (key order and white space do not matter), with no upstream call and no second charge', async () => {
    const first = await chat(gw, { 'idempotency-key': 'replay-1' }, { temperature: 0.5 });
    expect(first.status).toBe(200);
    await waitForAccessLines(gw, 1);
    const tokensBefore = await metric(gw, 'breakwater_tokens_total');
    expect(tokensBefore).toBeGreaterThan(0);
    // The same JSON, written another way.
    const reordered = '{ "temperature": 0.5,\n  "messages": [ { "content": "hi", "role": "user" } ], "model": "gpt-4o-mini" }';
    for (let i = 0; i < 4; i++) {
      const again = await send(gw, 'POST', '/v1/chat/completions', { body: reordered, headers: { 'idempotency-key': 'replay-1' } });
      expect(again.status).toBe(200);
      expect(again.headers.get('x-breakwater-idempotent-replay')).toBe('true');
      expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
      expect(again.text).toBe(first.text);
    }
    expect(callsWith('replay-1')).toBe(1);
    const lines = await waitForAccessLines(gw, 5);
    expect(lines.slice(1).every((line) => line.durable === 'replayed' && line.tokens === undefined && line.cost_usd === undefined)).toBe(true);
    expect(await metric(gw, 'breakwater_tokens_total')).toBe(tokensBefore);
    expect(await metric(gw, 'breakwater_idempotent_requests_total', { outcome: 'replayed' })).toBe(4);
  });

  it('then another body under the same key is 422 idempotency_key_reused, and the upstream is not called', async () => {
    const other = await chat(gw, { 'idempotency-key': 'replay-1' }, { temperature: 0.9 });
    expect(other.status).toBe(422);
    expect(other.json.error).toMatchObject({ code: 'idempotency_key_reused', type: 'invalid_request_error' });
    expect(other.headers.get('x-breakwater-error')).toBe('invalid_request');
    expect(callsWith('replay-1')).toBe(1);
  });

  it('then a key of another gateway key is another key: its call runs', async () => {
    // team-b sends the same Idempotency-Key: keys are scoped per gateway key.
    const mine = await chat(gw, { 'idempotency-key': 'replay-1' }, { temperature: 0.5 }, KEY_B.secret);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-breakwater-idempotent-replay')).toBeNull();
    expect(callsWith('replay-1')).toBe(2);
  });
});

describe('when the call under an Idempotency-Key failed, then the failure is not stored and a repeat runs again', () => {
  it('calls the upstream again after a 500, and stores the success that follows', async () => {
    const failed = await chat(gw, { 'idempotency-key': 'fail-then-ok', 'x-fake-status': '500' }, {}, KEY_B.secret);
    expect(failed.status).toBe(500);
    const ok = await chat(gw, { 'idempotency-key': 'fail-then-ok' }, {}, KEY_B.secret);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-breakwater-idempotent-replay')).toBeNull();
    expect(callsWith('fail-then-ok')).toBe(2);
  });
});

describe('when the Idempotency-Key is not 1-255 visible ASCII characters', () => {
  it('then the request is 400 invalid_idempotency_key and not sent upstream', async () => {
    const before = llmCalls(fake).length;
    const bad = await chat(gw, { 'idempotency-key': 'x'.repeat(256) });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe('invalid_idempotency_key');
    expect(llmCalls(fake).length).toBe(before);
    await until(() => accessLines(gw).some((line) => line.error_code === 'invalid_idempotency_key' && line.status === 400), 'the access line of the refusal');
  });
});
