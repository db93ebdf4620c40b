import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';

/** Where a request's run id came from: the first rule that applied (contract "Agent runs"). */
export type RunSource = 'header' | 'harness' | 'baggage' | 'prompt_cache_key' | 'previous_response' | 'tool_call' | 'new';

export const RUN_SOURCES: readonly RunSource[] = ['header', 'harness', 'baggage', 'prompt_cache_key', 'previous_response', 'tool_call', 'new'];

export interface RunRef {
  readonly id: string;
  readonly source: RunSource;
}

/** A run id a client may send: short, printable, safe in a header, a store key and a URL. */
const RUN_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Agent harnesses' own session headers, in order: Claude Code (and the Claude Agent SDK, which runs
 * it), Codex CLI (`session-id`, and the same value as `thread-id`), OpenCode (1.18 sends its
 * session as `x-session-id` and `x-session-affinity`, seen by running it; `x-opencode-session` is
 * the name its older docs gave).
 */
const HARNESS_HEADERS = ['x-claude-code-session-id', 'session-id', 'session_id', 'thread-id', 'x-session-id', 'x-session-affinity', 'x-opencode-session'] as const;

/** The rules that need no lookup, in order; undefined when the run is found by the answer it continues, or is new. */
export function runFromRequest(headers: IncomingHttpHeaders, json: Record<string, unknown>): RunRef | undefined {
  const header = headers['x-breakwater-run-id'];
  if (header !== undefined) {
    if (typeof header !== 'string' || !RUN_ID.test(header)) {
      throw new GatewayError('invalid_run_id', 'x-breakwater-run-id must be 1-128 letters, digits or . _ : @ -');
    }
    return { id: header, source: 'header' };
  }
  for (const name of HARNESS_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && RUN_ID.test(value)) return { id: value, source: 'harness' };
  }
  const baggage = sessionFromBaggage(headers['baggage']);
  if (baggage !== undefined) return { id: baggage, source: 'baggage' };
  const cacheKey = json['prompt_cache_key'];
  if (typeof cacheKey === 'string' && RUN_ID.test(cacheKey)) return { id: cacheKey, source: 'prompt_cache_key' };
  return undefined;
}

/** W3C baggage member `session.id` (`key=value;properties`, comma separated, values percent-encoded). */
function sessionFromBaggage(baggage: string | string[] | undefined): string | undefined {
  const text = Array.isArray(baggage) ? baggage.join(',') : baggage;
  if (text === undefined || !text.includes('session.id')) return undefined;
  for (const member of text.split(',')) {
    const [pair] = member.split(';');
    const at = pair?.indexOf('=') ?? -1;
    if (pair === undefined || at === -1 || pair.slice(0, at).trim() !== 'session.id') continue;
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return undefined;
    }
    return RUN_ID.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * A gateway-made run id: a random UUID (122 random bits). randomUUID draws from a pooled buffer;
 * randomBytes(16) asked OpenSSL on every call and cost ~30 µs a request under load.
 */
export function newRunId(): string {
  return `run_${randomUUID()}`;
}
