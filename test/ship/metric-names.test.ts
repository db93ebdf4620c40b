/**
 * When a real gateway has served traffic (success, stream, upstream 503 with retries, an
 * over-limit key), then every metric name used by a dashboard or an alert rule is in its
 * /metrics, and every label a selector filters on is a label of that metric's samples.
 * Histograms count as present through their _bucket/_sum/_count series; metrics that only get
 * samples after a rarer event (fallbacks, ...) count through their # HELP / # TYPE lines.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream } from '../fixtures/fake-upstream.ts';
import { startGateway, type RunningGateway } from '../helpers/gateway.ts';
import { dashboardExpressions, parsePromql, recordedNames, ruleExpressions, substituteVariables } from './ship-helpers.ts';

/** Series Prometheus itself creates, not the gateway. */
const PROMETHEUS_SERIES = new Set(['up']);

interface Scrape {
  /** Every metric and series name the exposition declares or samples. */
  names: Set<string>;
  /** Label names seen on the samples of each series name. */
  labels: Map<string, Set<string>>;
}

function parseExposition(text: string): Scrape {
  const names = new Set<string>();
  const labels = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type?.[1] !== undefined) {
      const name = type[1];
      names.add(name);
      if (type[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
      if (type[2] === 'summary') for (const s of ['_sum', '_count']) names.add(`${name}${s}`);
      if (type[2] === 'counter' && !name.endsWith('_total')) names.add(`${name}_total`);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (sample?.[1] === undefined) continue;
    names.add(sample[1]);
    const set = labels.get(sample[1]) ?? new Set<string>();
    for (const m of (sample[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) if (m[1] !== undefined) set.add(m[1]);
    labels.set(sample[1], set);
  }
  return { names, labels };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const TEAM_KEY = 'bw-test-team-a-key';
const TINY_KEY = 'bw-test-tiny-key';

let gateway: RunningGateway | undefined;
let closeUpstream: (() => Promise<void> | void) | undefined;
let scrape: Scrape = { names: new Set(), labels: new Map() };

async function chat(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<number> {
  if (gateway === undefined) throw new Error('gateway not started');
  const res = await fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  const upstream = await startFakeUpstream();
  closeUpstream = upstream.close;
  gateway = await startGateway({
    config: {
      upstreams: [{ name: 'fake', baseUrl: upstream.baseUrl, apiKey: 'sk-fake-upstream' }],
      routes: [{ match: '*', targets: [{ upstream: 'fake' }] }],
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      keys: [
        { name: 'team-a', hash: `sha256:${sha256(TEAM_KEY)}`, limits: { rpm: 1000, tpm: 1_000_000, concurrency: 8, dailyBudgetUsd: 10 } },
        { name: 'tiny', hash: `sha256:${sha256(TINY_KEY)}`, limits: { rpm: 1, tpm: 1_000_000, concurrency: 1, dailyBudgetUsd: 1 } },
      ],
    },
  });
  // Traffic only has to make the metrics appear; behaviour is asserted by the integration tests.
  expect(await chat(TEAM_KEY, {})).toBe(200);
  await chat(TEAM_KEY, { stream: true }, { 'x-fake-chunks': '3' });
  await chat(TEAM_KEY, {}, { 'x-fake-status': '503' });
  await chat(TEAM_KEY, {}, { 'x-fake-status': '429' });
  await chat(TINY_KEY, {});
  await chat(TINY_KEY, {}); // over its rpm of 1
  const res = await fetch(`${gateway.url}/metrics`);
  expect(res.status).toBe(200);
  scrape = parseExposition(await res.text());
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await closeUpstream?.();
});

const used = [...dashboardExpressions(), ...ruleExpressions()].map((e) => ({ ...e, parsed: parsePromql(substituteVariables(e.expr)) }));
const recorded = recordedNames();
const metricNames = [...new Set(used.flatMap((u) => u.parsed.metrics))].filter((m) => !recorded.has(m) && !PROMETHEUS_SERIES.has(m)).sort();

describe('metric names used by dashboards and alerts exist in a real gateway', () => {
  it.each(metricNames)('%s is exposed', (name) => {
    expect(scrape.names.has(name), `${name} not in /metrics`).toBe(true);
  });

  it('selectors filter only on labels the metric has', () => {
    const problems: string[] = [];
    for (const u of used) {
      for (const sel of u.parsed.selectors) {
        const seen = scrape.labels.get(sel.metric);
        if (seen === undefined) continue; // declared without samples yet: labels unknown
        for (const label of sel.labels) {
          if (label === 'job' || label === 'instance') continue; // added by Prometheus at scrape time
          if (!seen.has(label)) problems.push(`${u.where}: ${sel.metric} has no label "${label}" (has ${[...seen].join(', ')})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
