import { hashKey } from '../../src/auth/key-store.ts';
import type { FakeUpstream } from '../fixtures/fake-upstream.ts';
import type { RunningGateway } from '../helpers/gateway.ts';
import { gatewayProcess } from '../helpers/stack.ts';

export const TEAM_A = 'bw-runs-team-a';
export const TEAM_B = 'bw-runs-team-b';
export const ADMIN = 'bw-runs-admin';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
  readonly runId: string | null;
  readonly runSource: string | null;
}

/** A gateway with two keys and an admin key in front of the fake; `extra` overrides top-level sections. */
export function runsGateway(fake: FakeUpstream, extra: Record<string, unknown> = {}, keyLimits: Record<string, unknown> = {}): Promise<RunningGateway> {
  return gatewayProcess({
    config: {
      upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: 'sk-upstream-runs' }],
      keys: [
        { name: 'team-a', hash: hashKey(TEAM_A), limits: keyLimits },
        { name: 'team-b', hash: hashKey(TEAM_B) },
      ],
      admin: { keyHash: hashKey(ADMIN) },
      ...extra,
    },
  });
}

/** POST an understood call with fetch; `path` below /v1. */
export async function call(gw: RunningGateway, key: string, path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${gw.baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, headers: res.headers, json, runId: res.headers.get('x-breakwater-run-id'), runSource: res.headers.get('x-breakwater-run-source') };
}

export function chat(gw: RunningGateway, key: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  return call(gw, key, '/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra }, headers);
}

/** GET an own endpoint with a key. */
export async function own(gw: RunningGateway, key: string, path: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
