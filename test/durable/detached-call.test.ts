import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessLines, ADMIN_SECRET, fakeUpstream, gatewayProcess, KEY_A, KEY_B, keyedConfig, llmCalls, metric, send, until, type FakeUpstream, type RunningGateway } from './harness.ts';

let fake: FakeUpstream;
let gw: RunningGateway;

beforeAll(async () => {
  fake = await fakeUpstream();
  gw = await gatewayProcess({ config: keyedConfig([fake]) });
});

const BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a long task' }] };

/** A detached call from a client that hangs up as soon as it has its 202 (its own connection, closed). */
function postAndHangUp(headers: Record<string, string>): Promise<{ status: number; location: string | undefined; body: Record<string, unknown> }> {
  const text = JSON.stringify(BODY);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), authorization: `Bearer ${KEY_A.secret}`, prefer: 'respond-async', connection: 'close', ...headers },
    }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (data += chunk)).on('end', () => {
        req.socket?.destroy();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: JSON.parse(data) as Record<string, unknown> });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

async function callView(id: string, secret: string = KEY_A.secret): Promise<{ status: number; json: Record<string, unknown> }> {
  const answer = await send(gw, 'GET', `/breakwater/calls/${id}`, { secret });
  return { status: answer.status, json: answer.json };
}

describe('when a client sends Prefer: respond-async and leaves with its 202', () => {
  it('then the call runs to its end, and GET /breakwater/calls/{id} gives its status, then the upstream answer', async () => {
    const accepted = await postAndHangUp({ 'x-fake-delay-ms': '800' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ object: 'breakwater.call', status: 'queued' });
    const id = accepted.body.id as string;
    expect(id).toMatch(/^call_[0-9a-f]{32}$/);
    expect(accepted.location).toBe(`/breakwater/calls/${id}`);

    const running = await callView(id);
    expect(running.status).toBe(200);
    expect(['queued', 'running']).toContain(running.json.status);

    await until(async () => (await callView(id)).json.status === 'succeeded', 'the call to succeed');
    const done = await callView(id);
    expect(done.json).toMatchObject({ id, object: 'breakwater.call', status: 'succeeded', model: 'gpt-4o-mini', response: { object: 'chat.completion', choices: [{ message: { content: 'Hello from fake upstream' } }] } });
    expect(typeof done.json.completed_at).toBe('number');

    // The call went through the stages like any call: usage accounted, and the access line says it was detached.
    await until(() => accessLines(gw).some((line) => line.durable === 'detached'), 'the access line of the detached call');
    expect(accessLines(gw).find((line) => line.durable === 'detached')).toMatchObject({ status: 200, usage_source: 'provider', tokens: { input: 12, output: 20 } });
    expect(await metric(gw, 'breakwater_detached_calls_total', { status: 'succeeded' })).toBe(1);
  });

  it('then only the key that made it (or the admin key) sees it; any other key gets 404', async () => {
    const accepted = await send(gw, 'POST', '/v1/chat/completions', { body: BODY, headers: { prefer: 'respond-async' } });
    const id = accepted.json.id as string;
    expect((await callView(id, KEY_B.secret)).status).toBe(404);
    expect((await send(gw, 'DELETE', `/breakwater/calls/${id}`, { secret: KEY_B.secret })).status).toBe(404);
    expect((await callView(id, ADMIN_SECRET)).status).toBe(200);
    expect((await callView('call_00000000000000000000000000000000')).status).toBe(404);
  });

  it('then DELETE cancels it: the upstream call is aborted and the call ends cancelled', async () => {
    const accepted = await send(gw, 'POST', '/v1/chat/completions', { body: BODY, headers: { prefer: 'respond-async', 'x-fake-delay-ms': '5000', 'x-fake-scenario': 'cancel-me' } });
    const id = accepted.json.id as string;
    await until(() => fake.requests.some((r) => r.scenario === 'cancel-me'), 'the call upstream');
    const cancelled = await send(gw, 'DELETE', `/breakwater/calls/${id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ id, status: 'cancelled' });
    await until(() => fake.requests.find((r) => r.scenario === 'cancel-me')?.aborted === true, 'the upstream call aborted', 2_000);
    expect((await callView(id)).json.status).toBe('cancelled');
  });

  it('then an upstream error ends the call failed, with the error object', async () => {
    const accepted = await send(gw, 'POST', '/v1/chat/completions', { body: BODY, headers: { prefer: 'respond-async', 'x-fake-status': '400' } });
    const id = accepted.json.id as string;
    await until(async () => (await callView(id)).json.status === 'failed', 'the call to fail');
    expect((await callView(id)).json.error).toMatchObject({ type: 'invalid_request_error', message: 'Invalid request (fake upstream).' });
  });
});

describe('when Prefer: respond-async comes with stream: true', () => {
  it('then it is 400 detached_stream_unsupported and nothing is sent upstream', async () => {
    const before = llmCalls(fake).length;
    const refused = await send(gw, 'POST', '/v1/chat/completions', { body: { ...BODY, stream: true }, headers: { prefer: 'respond-async' } });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: 'detached_stream_unsupported', type: 'invalid_request_error' });
    expect(llmCalls(fake).length).toBe(before);
  });
});
