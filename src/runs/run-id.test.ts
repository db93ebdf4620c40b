import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { newRunId, runFromRequest } from './run-id.js';

describe('runFromRequest: the rules that need no lookup, in order', () => {
  it('takes x-breakwater-run-id first, over everything else', () => {
    expect(runFromRequest({ 'x-breakwater-run-id': 'r1', 'x-claude-code-session-id': 'c1', baggage: 'session.id=b1' }, { prompt_cache_key: 'p1' })).toEqual({ id: 'r1', source: 'header' });
  });

  it('then an agent harness session header: Claude Code, Codex (session-id, thread-id), OpenCode', () => {
    expect(runFromRequest({ 'x-claude-code-session-id': '0b7c-41' }, {})).toEqual({ id: '0b7c-41', source: 'harness' });
    expect(runFromRequest({ 'session-id': 'codex-1', 'thread-id': 'codex-1' }, { prompt_cache_key: 'codex-1' })).toEqual({ id: 'codex-1', source: 'harness' });
    expect(runFromRequest({ 'thread-id': 't-1' }, {})).toEqual({ id: 't-1', source: 'harness' });
    expect(runFromRequest({ 'x-session-id': 'ses_dd12', 'x-session-affinity': 'ses_dd12' }, {})).toEqual({ id: 'ses_dd12', source: 'harness' });
    expect(runFromRequest({ 'x-session-affinity': 'ses_ee34' }, {})).toEqual({ id: 'ses_ee34', source: 'harness' });
    expect(runFromRequest({ 'x-opencode-session': 'oc-9' }, {})).toEqual({ id: 'oc-9', source: 'harness' });
  });

  it('then the W3C baggage member session.id (percent-decoded, other members and properties ignored)', () => {
    expect(runFromRequest({ baggage: 'user.id=7, session.id=s%3A42;prop=1, other=x' }, {})).toEqual({ id: 's:42', source: 'baggage' });
    expect(runFromRequest({ baggage: 'user.session.id=no' }, {})).toBeUndefined();
  });

  it('then the body prompt_cache_key', () => {
    expect(runFromRequest({}, { prompt_cache_key: 'task-17' })).toEqual({ id: 'task-17', source: 'prompt_cache_key' });
  });

  it('leaves the rest (previous response, tool calls, new) to the stage', () => {
    expect(runFromRequest({}, { previous_response_id: 'resp_1' })).toBeUndefined();
  });

  it('refuses a malformed x-breakwater-run-id, and ignores malformed harness values', () => {
    expect(() => runFromRequest({ 'x-breakwater-run-id': 'has space' }, {})).toThrow(GatewayError);
    expect(() => runFromRequest({ 'x-breakwater-run-id': 'x'.repeat(129) }, {})).toThrow(GatewayError);
    expect(runFromRequest({ 'session-id': 'bad value\n' }, {})).toBeUndefined();
  });

  it('makes new ids from random UUIDs, valid as run ids a client can send back', () => {
    const ids = new Set(Array.from({ length: 1000 }, newRunId));
    expect(ids.size).toBe(1000);
    expect([...ids][0]).toMatch(/^run_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(runFromRequest({ 'x-breakwater-run-id': [...ids][0]! }, {})).toEqual({ id: [...ids][0], source: 'header' });
  });
});
