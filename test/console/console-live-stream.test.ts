/**
 * When requests pass the gateway, then an open console stream shows them within seconds without
 * reconnecting (key name, model, upstream, status, class, tokens, cost), never their prompt text
 * or any key; the number of open streams is capped and a closed stream frees its place.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import { fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { SseReader } from './sse-reader.ts';

const ADMIN = 'stream-admin-key-1234567890';
const TEAM = 'stream-team-key-1234567890';
const MARKER = 'PROMPT-MARKER-7f3a9c';

const fake = await fakeUpstream();
const gateway = await gatewayProcess({
  config: {
    upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream-secret-abc' }],
    keys: [{ name: 'team', hash: hashKey(TEAM), limits: { rpm: 1000, concurrency: 5 } }],
    admin: { keyHash: hashKey(ADMIN) },
    console: { maxStreams: 3 },
  },
});
const admin = { authorization: `Bearer ${ADMIN}` };
const openStream = () => fetch(`${gateway.url}/console/events`, { headers: admin });

interface Snapshot {
  requests: Array<Record<string, unknown>>;
  totals: { requests: number; costUsd: number };
  limits: Array<{ key: string; rpm?: { used: number; limit: number }; concurrency?: { limit: number } }>;
  byKey: Array<{ name: string }>;
  runs: Array<{ id: string; key: string; calls: number }>;
}

describe('the console live stream', () => {
  it('when a call passes the gateway, then the open stream carries its row within seconds, without its prompt or any key', async () => {
    const answer = await openStream();
    expect(answer.headers.get('content-type')).toContain('text/event-stream');
    const stream = new SseReader(answer);
    expect(JSON.parse((await stream.next('hello')).data)).toEqual({ session: false });
    const first = JSON.parse((await stream.next('snapshot')).data) as Snapshot;
    expect(first.totals.requests).toBe(0);

    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: TEAM, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `say ${MARKER}` }] });
    let row: Record<string, unknown> | undefined;
    let raw = '';
    const deadline = Date.now() + 10_000;
    while (row === undefined && Date.now() < deadline) {
      const event = await stream.next('snapshot');
      raw += event.data;
      row = (JSON.parse(event.data) as Snapshot).requests[0];
    }
    expect(row).toMatchObject({ key: 'team', model: 'gpt-4o-mini', upstream: 'fake', status: 200, stream: false, inputTokens: 12, outputTokens: 20 });
    expect(row?.costUsd).toBeGreaterThan(0);
    const latest = JSON.parse(raw.slice(raw.lastIndexOf('{"now"'))) as Snapshot;
    // The call started an agent run (no client hint: a new one), listed with its key and calls.
    expect(latest.runs).toEqual([expect.objectContaining({ key: 'team', calls: 1 })]);
    expect(latest.limits).toEqual([expect.objectContaining({ key: 'team', rpm: { used: 1, limit: 1000 }, concurrency: { inUse: 0, limit: 5, queued: 0 } })]);
    for (const secret of [MARKER, TEAM, ADMIN, 'sk-upstream-secret-abc', hashKey(TEAM).slice(7, 30)]) expect(raw).not.toContain(secret);
    await stream.close();
  });

  it('when more pages open than console.maxStreams, then the extra one gets 503 console_busy, and a closed one frees its place', async () => {
    // The previous test's stream may take a moment to be noticed as closed.
    const deadline = Date.now() + 10_000;
    let streams: SseReader[] = [];
    let refused: Response | undefined;
    while (Date.now() < deadline) {
      const answers = await Promise.all([openStream(), openStream(), openStream()]);
      if (answers.every((a) => a.status === 200)) {
        streams = answers.map((a) => new SseReader(a));
        refused = await openStream();
        break;
      }
      await Promise.all(answers.map((a) => a.body?.cancel()));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('5');
    expect(((await refused!.json()) as { error: { code: string } }).error.code).toBe('console_busy');
    await streams[0]!.close();
    let reopened: Response | undefined;
    while (Date.now() < deadline + 10_000) {
      reopened = await openStream();
      if (reopened.status === 200) break;
      await reopened.body?.cancel();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(reopened?.status).toBe(200);
    await reopened?.body?.cancel();
    for (const stream of streams.slice(1)) await stream.close();
  });

  it('when a page opens and closes many times, then no stream is left behind', async () => {
    for (let i = 0; i < 30; i += 1) {
      const answer = await openStream();
      if (answer.status === 200) {
        const stream = new SseReader(answer);
        await stream.next('snapshot');
        await stream.close();
      } else {
        await answer.body?.cancel();
      }
    }
    const deadline = Date.now() + 10_000;
    let open = 0;
    while (Date.now() < deadline) {
      const answers = await Promise.all([openStream(), openStream(), openStream()]);
      open = answers.filter((a) => a.status === 200).length;
      await Promise.all(answers.map((a) => a.body?.cancel()));
      if (open === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(open).toBe(3);
  });
});
