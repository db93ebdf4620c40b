import { describe, expect, it } from 'vitest';
import { testContext } from '../../test/helpers/context.ts';
import type { MatchedRoute } from '../pipeline/context.js';
import { tapEnd, tapEvent, tapHeaders } from '../pipeline/taps.js';
import { StateUnavailable, type Records } from '../state/store.js';
import { MemoryStore } from '../state/memory.js';
import { cacheStage } from './cache-stage.js';
import { ResponseCache } from './response-cache.js';

const ROUTE: MatchedRoute = { label: 'gpt-*', strategy: 'fallback', affinity: 'none', policy: undefined, cache: { ttlSeconds: 60, maxEntryBytes: 1024 } };
const EVENTS = ['data: {"id":"c1","choices":[{"delta":{"content":"hi"}}]}\n\n', 'data: [DONE]\n\n'];

function context(headers: Record<string, string> = {}, key = 'team') {
  const ctx = testContext({ headers });
  ctx.principal = { name: key, limits: {}, admin: false };
  ctx.route = ROUTE;
  ctx.plan = [{ upstream: 'a', model: 'gpt-4o-mini' }];
  ctx.request = { json: { model: 'gpt-4o-mini', stream: true }, model: 'gpt-4o-mini', stream: true, clientAskedUsage: false, maxTokens: undefined, choices: 1, temperature: undefined };
  return ctx;
}

/** What the relay does with a streamed answer: head, events through the taps, end. */
function streamAnswer(ctx: ReturnType<typeof context>, complete: boolean): void {
  tapHeaders(ctx.taps, 200, { 'content-type': 'text/event-stream' });
  for (const raw of complete ? EVENTS : EVENTS.slice(0, 1)) tapEvent(ctx.taps, { raw: Buffer.from(raw), data: '' });
  tapEnd(ctx.taps, { complete, streamOutcome: complete ? 'completed' : 'upstream_truncated', errorClass: complete ? undefined : 'network' });
  ctx.costUsd = 0.002;
}

function setup(records: Records = new MemoryStore().records('cache')) {
  const results: string[] = [];
  const stage = cacheStage({ answers: new ResponseCache(records), recorder: { cacheAnswered: (_ctx, result) => void results.push(result) } });
  return { stage, results };
}

describe('the cache stage', () => {
  it('when a complete stream was stored, then the same call is replayed with its events and its cost as saved, without next()', async () => {
    const { stage, results } = setup();
    const first = context();
    await stage(first, async () => streamAnswer(first, true));
    const hit = context();
    let called = false;
    await stage(hit, async () => void (called = true));
    expect(called).toBe(false);
    expect(hit.res.statusCode).toBe(200);
    expect(hit.res.headers).toMatchObject({ 'content-type': 'text/event-stream', 'x-breakwater-cache': 'hit' });
    expect(hit.res.text).toBe(EVENTS.join(''));
    expect(hit.cache).toEqual({ result: 'hit', savedUsd: 0.002 });
    expect(results).toEqual(['miss', 'hit']);
  });

  it('when a stream is cut, then it is not stored', async () => {
    const { stage } = setup();
    const cut = context();
    await stage(cut, async () => streamAnswer(cut, false));
    const again = context();
    let called = false;
    await stage(again, async () => void (called = true));
    expect(called).toBe(true);
    expect(again.cache?.result).toBe('miss');
  });

  it('when another key sends the same call, then it is a miss', async () => {
    const { stage } = setup();
    const first = context();
    await stage(first, async () => streamAnswer(first, true));
    const other = context({}, 'other');
    let called = false;
    await stage(other, async () => void (called = true));
    expect(called).toBe(true);
  });

  it('when the store cannot answer, then the call goes upstream and nothing fails', async () => {
    const down: Records = {
      get: () => Promise.reject(new StateUnavailable(new Error('down'))),
      set: () => Promise.reject(new StateUnavailable(new Error('down'))),
      delete: () => Promise.reject(new StateUnavailable(new Error('down'))),
    };
    const { stage } = setup(down);
    const ctx = context();
    await stage(ctx, async () => streamAnswer(ctx, true));
    expect(ctx.cache?.result).toBe('miss');
  });
});
