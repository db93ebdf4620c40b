/**
 * Source of the Grafana dashboards. `node dashboards/generate.ts` (Node 24) writes:
 *   dashboards/breakwater-{overview,upstream}.json      the dashboards to import
 *   dashboards/breakwater-{overview,upstream}.check.ts  the same JSON as a literal, `satisfies DashboardJson`
 *   helm/breakwater/dashboards/*.json                   copies shipped by the chart's ConfigMap
 *   helm/breakwater/files/alerts.yaml                   copy of dashboards/alerts.yaml for the PrometheusRule
 * test/ship/sync.test.ts fails when any of these is stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DashboardJson, PanelJson, RowPanelJson, VariableJson } from './dashboard-json.ts';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

type PanelKind = 'timeseries' | 'stat' | 'bargauge' | 'state-timeline';

interface Query {
  expr: string;
  legend: string;
}

interface Step {
  color: string;
  value: number | null;
}

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  kind?: PanelKind;
  w?: number;
  h?: number;
  min?: number;
  max?: number;
  steps?: Step[];
  stack?: boolean;
  circuit?: boolean;
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

const GREEN_ONLY: Step[] = [{ color: 'green', value: null }];

// Label filters. Every query is scoped to the selected job; model/upstream/key where the metric has them.
const J = 'job=~"$job"';
const U = `${J}, upstream=~"$upstream"`;
const MU = `${J}, model=~"$model", upstream=~"$upstream"`;
const MUK = `${MU}, key=~"$key"`;
const K = `${J}, key=~"$key"`;
const RATE = '[$__rate_interval]';

function q(expr: string, legend = ''): Query {
  return { expr, legend };
}

function quantiles(metric: string, filter: string, by: string, label: string): Query[] {
  const by2 = by === '' ? 'le' : `le, ${by}`;
  return ['0.5', '0.95', '0.99'].map((p) =>
    q(
      `histogram_quantile(${p}, sum by (${by2}) (rate(${metric}_bucket{${filter}}${RATE})))`,
      `p${Number(p) * 100}${label}`,
    ),
  );
}

const CIRCUIT_MAPPINGS = [
  {
    type: 'value' as const,
    options: {
      '0': { text: 'closed', color: 'green', index: 0 },
      '1': { text: 'half-open', color: 'yellow', index: 1 },
      '2': { text: 'open', color: 'red', index: 2 },
    },
  },
];

function panel(spec: PanelSpec, id: number, x: number, y: number): PanelJson {
  const kind = spec.kind ?? 'timeseries';
  const custom: Record<string, unknown> =
    kind === 'timeseries'
      ? {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: spec.stack === true ? 30 : 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: spec.stack === true ? 'normal' : 'none', group: 'A' },
        }
      : {};
  const options: Record<string, unknown> =
    kind === 'stat'
      ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' }
      : kind === 'bargauge'
        ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, orientation: 'horizontal', displayMode: 'gradient', showUnfilled: true }
        : kind === 'state-timeline'
          ? { showValue: 'auto', mergeValues: true, rowHeight: 0.9, legend: { showLegend: true, displayMode: 'list', placement: 'bottom' } }
          : { legend: { showLegend: true, displayMode: 'table', placement: 'right', calcs: ['mean', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } };
  return {
    id,
    type: kind,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: { x, y, w: spec.w ?? 8, h: spec.h ?? 8 },
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        ...(spec.min === undefined ? {} : { min: spec.min }),
        ...(spec.max === undefined ? {} : { max: spec.max }),
        ...(spec.circuit === true ? { mappings: CIRCUIT_MAPPINGS } : {}),
        color: { mode: spec.circuit === true || spec.steps !== undefined ? 'thresholds' : 'palette-classic' },
        thresholds: {
          mode: 'absolute',
          steps:
            spec.circuit === true
              ? [{ color: 'green', value: null }, { color: 'yellow', value: 1 }, { color: 'red', value: 2 }]
              : (spec.steps ?? GREEN_ONLY),
        },
        custom,
      },
      overrides: [],
    },
    options,
    targets: spec.queries.map((query, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: query.expr,
      legendFormat: query.legend === '' ? '__auto' : query.legend,
      range: true,
    })),
  };
}

function layout(rows: RowSpec[]): Array<PanelJson | RowPanelJson> {
  const out: Array<PanelJson | RowPanelJson> = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    out.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const spec of row.panels) {
      const w = spec.w ?? 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      out.push(panel(spec, id++, x, y));
      x += w;
      rowHeight = Math.max(rowHeight, spec.h ?? 8);
    }
    y += rowHeight;
  }
  return out;
}

function queryVariable(name: string, label: string, query: string, description: string, multi: boolean): VariableJson {
  return {
    name,
    label,
    description,
    type: 'query',
    datasource: DATASOURCE,
    query,
    refresh: 2,
    sort: 1,
    multi,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
  };
}

function variables(): VariableJson[] {
  return [
    {
      name: 'datasource',
      label: 'Data source',
      description: 'The Prometheus that scrapes Breakwater.',
      type: 'datasource',
      query: 'prometheus',
      refresh: 1,
      current: { text: 'default', value: 'default' },
    },
    queryVariable('job', 'Job', 'label_values(breakwater_requests_total, job)', 'Prometheus job of the Breakwater deployment(s).', true),
    queryVariable('model', 'Model', `label_values(breakwater_requests_total{${J}}, model)`, 'Requested model (unknown models are grouped as "other").', true),
    queryVariable('upstream', 'Upstream', `label_values(breakwater_requests_total{${J}}, upstream)`, 'Upstream provider that served the request.', true),
    queryVariable('key', 'Key', `label_values(breakwater_tokens_total{${J}}, key)`, 'Gateway key name ("anonymous" without keys). Filters token, cost and limit panels.', true),
  ];
}

function dashboard(uid: string, title: string, description: string, rows: RowSpec[], otherUid: string, otherTitle: string): DashboardJson {
  return {
    uid,
    title,
    description,
    tags: ['breakwater', 'llm', 'gateway'],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [
      {
        title: otherTitle,
        type: 'link',
        url: `/d/${otherUid}`,
        icon: 'dashboard',
        tooltip: `Open ${otherTitle}`,
        asDropdown: false,
        includeVars: true,
        keepTime: true,
        tags: [],
        targetBlank: false,
      },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: variables() },
    panels: layout(rows),
  };
}

const ERROR_STEPS: Step[] = [
  { color: 'green', value: null },
  { color: 'orange', value: 0.01 },
  { color: 'red', value: 0.05 },
];

export function buildOverview(): DashboardJson {
  const rows: RowSpec[] = [
    {
      title: 'Traffic and errors',
      panels: [
        { kind: 'stat', w: 6, h: 5, title: 'Requests per second', unit: 'reqps', description: 'All requests answered by the gateway (any status), per second.', queries: [q(`sum(rate(breakwater_requests_total{${MU}}${RATE}))`, 'requests/s')] },
        { kind: 'stat', w: 6, h: 5, title: 'Server error ratio (5xx)', unit: 'percentunit', steps: ERROR_STEPS, description: 'Share of requests answered with a 5xx, from the gateway or passed through from an upstream. This is what the error-budget alerts measure (SLO 99.9%).', queries: [q(`sum(rate(breakwater_requests_total{${MU}, status_code=~"5.."}${RATE})) / sum(rate(breakwater_requests_total{${MU}}${RATE}))`, '5xx ratio')] },
        { kind: 'stat', w: 6, h: 5, title: 'In flight now', unit: 'short', description: 'Requests currently being served by an upstream attempt, all replicas together.', queries: [q(`sum(breakwater_inflight_requests{${U}})`, 'in flight')] },
        { kind: 'stat', w: 6, h: 5, title: 'Cost in time range', unit: 'currencyUSD', description: 'Estimated spend in USD over the selected time range, from token usage and the pricing table.', queries: [q(`sum(increase(breakwater_cost_usd_total{${MUK}}[$__range]))`, 'USD')] },
        { stack: true, w: 12, title: 'Requests per second by status code', unit: 'reqps', description: 'Requests per second split by the HTTP status the client received.', queries: [q(`sum by (status_code) (rate(breakwater_requests_total{${MU}}${RATE}))`, '{{status_code}}')] },
        { w: 12, title: 'Error ratio by class', unit: 'percentunit', min: 0, description: 'Share of all requests that ended in each error class (rate_limited = upstream 429, gateway_rate_limited = our own limit, ...). See docs/errors.md.', queries: [q(`sum by (error_type) (rate(breakwater_requests_total{${MU}, error_type!=""}${RATE})) / ignoring(error_type) group_left sum(rate(breakwater_requests_total{${MU}}${RATE}))`, '{{error_type}}')] },
      ],
    },
    {
      title: 'Latency',
      panels: [
        { title: 'Request duration', unit: 's', description: 'End-to-end duration of a request as the client saw it (streams: until the last chunk), p50 / p95 / p99.', queries: quantiles('breakwater_request_duration_seconds', MU, '', '') },
        { title: 'Time to first token', unit: 's', description: 'Time from the request arriving to the first content chunk sent to the client, p50 / p95 / p99. Alert: p95 above 10 s.', queries: quantiles('breakwater_time_to_first_token_seconds', MU, '', '') },
        { title: 'Gateway overhead', unit: 's', description: 'Time spent inside Breakwater itself (auth, limits, routing, relaying), upstream time excluded, p50 / p95 / p99. Alert: p99 above 50 ms.', queries: quantiles('breakwater_gateway_overhead_seconds', J, '', '') },
        { w: 12, title: 'p95 request duration by stream mode', unit: 's', description: 'Streamed and non-streamed requests have very different durations; this separates them.', queries: [q(`histogram_quantile(0.95, sum by (le, stream) (rate(breakwater_request_duration_seconds_bucket{${MU}}${RATE})))`, 'stream={{stream}}')] },
        { w: 12, title: 'p95 time to first token by model', unit: 's', description: 'Which models are slow to start answering.', queries: [q(`histogram_quantile(0.95, sum by (le, model) (rate(breakwater_time_to_first_token_seconds_bucket{${MU}}${RATE})))`, '{{model}}')] },
      ],
    },
    {
      title: 'Tokens and cost',
      panels: [
        { stack: true, w: 12, title: 'Tokens per second by bucket', unit: 'suffix: tok/s', description: 'Token throughput by bucket: input (uncached), cached_input, cache_write, output (without reasoning), reasoning. Buckets are disjoint, so the stack is the total.', queries: [q(`sum by (type) (rate(breakwater_tokens_total{${MUK}}${RATE}))`, '{{type}}')] },
        { w: 12, title: 'Estimated token share', unit: 'percentunit', min: 0, max: 1, description: 'Share of tokens the gateway had to estimate because the provider reported no usage. High values make cost figures less exact.', queries: [q(`sum(rate(breakwater_tokens_total{${MUK}, usage_source="estimated"}${RATE})) / sum(rate(breakwater_tokens_total{${MUK}}${RATE}))`, 'estimated')] },
        { stack: true, w: 12, title: 'Cost per hour by model', unit: 'currencyUSD', description: 'Spend rate in USD per hour, by model (from usage and the pricing table).', queries: [q(`sum by (model) (rate(breakwater_cost_usd_total{${MUK}}${RATE})) * 3600`, '{{model}}')] },
        { stack: true, w: 12, title: 'Cost per hour by key', unit: 'currencyUSD', description: 'Spend rate in USD per hour, by gateway key.', queries: [q(`sum by (key) (rate(breakwater_cost_usd_total{${MUK}}${RATE})) * 3600`, '{{key}}')] },
        { kind: 'bargauge', w: 24, h: 6, title: 'Daily budget used by key', unit: 'percentunit', min: 0, max: 1, steps: [{ color: 'green', value: null }, { color: 'orange', value: 0.8 }, { color: 'red', value: 1 }], description: 'Spend today (UTC day) as a share of each key\'s dailyBudgetUsd. At 100% the key gets 429 budget_exceeded until midnight UTC. Alerts at 80% and 100%.', queries: [q(`max by (key) (breakwater_budget_spent_usd{${K}}) / max by (key) (breakwater_budget_limit_usd{${K}} > 0)`, '{{key}}')] },
      ],
    },
    {
      title: 'Resilience',
      panels: [
        { stack: true, title: 'Retries per second', unit: 'reqps', description: 'Extra upstream attempts made before the response was committed, by upstream and reason.', queries: [q(`sum by (upstream, reason) (rate(breakwater_retries_total{${U}}${RATE}))`, '{{upstream}} {{reason}}')] },
        { stack: true, title: 'Fallbacks per second', unit: 'reqps', description: 'Requests moved from one upstream to the next target of their route, by reason.', queries: [q(`sum by (from_upstream, to_upstream, reason) (rate(breakwater_fallbacks_total{${J}, from_upstream=~"$upstream"}${RATE}))`, '{{from_upstream}} → {{to_upstream}} ({{reason}})')] },
        { kind: 'state-timeline', circuit: true, title: 'Circuit breaker state', unit: 'none', description: 'Per upstream: closed (traffic flows), half-open (probing), open (no traffic: fallbacks or 503). Alert: open for 5 minutes.', queries: [q(`max by (upstream) (breakwater_circuit_state{${U}})`, '{{upstream}}')] },
      ],
    },
    {
      title: 'Limits, queues and streams',
      panels: [
        { stack: true, title: 'Rate-limit rejections per second', unit: 'reqps', description: 'Requests refused by the gateway\'s own limits (429), by key and limit (rpm, tpm, concurrency, budget).', queries: [q(`sum by (key, limit) (rate(breakwater_ratelimit_rejections_total{${K}}${RATE}))`, '{{key}} {{limit}}')] },
        { title: 'Queue depth by key', unit: 'short', description: 'Requests waiting for a concurrency slot, by key. A queue that keeps growing means the key\'s concurrency limit is too low for its traffic.', queries: [q(`sum by (key) (breakwater_queue_depth{${K}})`, '{{key}}')] },
        { title: 'In-flight requests by upstream', unit: 'short', description: 'Requests currently in an upstream attempt, by upstream.', queries: [q(`sum by (upstream) (breakwater_inflight_requests{${U}})`, '{{upstream}}')] },
        { stack: true, w: 12, title: 'Stream outcomes per second', unit: 'reqps', description: 'How streams ended: completed, client_cancelled, or cut off by the upstream (upstream_truncated, idle_timeout, upstream_error). Alert: upstream cut-offs above 5%.', queries: [q(`sum by (outcome) (rate(breakwater_stream_outcomes_total{${MU}}${RATE}))`, '{{outcome}}')] },
        { w: 12, title: 'Streams cut off by the upstream', unit: 'percentunit', min: 0, steps: ERROR_STEPS, description: 'Share of streams that ended without their terminal event because of the upstream, by model.', queries: [q(`sum by (model) (rate(breakwater_stream_outcomes_total{${MU}, outcome=~"upstream_truncated|idle_timeout|upstream_error"}${RATE})) / sum by (model) (rate(breakwater_stream_outcomes_total{${MU}}${RATE}))`, '{{model}}')] },
      ],
    },
    {
      title: 'Agent runs',
      panels: [
        { kind: 'stat', w: 6, h: 5, title: 'Active runs', unit: 'short', description: 'Agent runs (one task, many calls) with a call in the last runs.idleTimeoutSeconds, all replicas together. See docs/runs.md.', queries: [q(`sum(breakwater_runs_active{${K}})`, 'active')] },
        { kind: 'stat', w: 6, h: 5, title: 'Runs started in time range', unit: 'short', description: 'Runs started over the selected time range.', queries: [q(`sum(increase(breakwater_runs_started_total{${K}}[$__range]))`, 'runs')] },
        { kind: 'stat', w: 6, h: 5, title: 'Agent loops in time range', unit: 'short', steps: [{ color: 'green', value: null }, { color: 'orange', value: 1 }, { color: 'red', value: 10 }], description: 'Calls whose history ended in the same tool call turn after turn (warned or blocked). Alert: a burst of them for one key.', queries: [q(`sum(increase(breakwater_agent_loops_total{${K}}[$__range]))`, 'loops')] },
        { kind: 'stat', w: 6, h: 5, title: 'Calls refused by run caps', unit: 'short', description: 'Calls refused because their run reached limits.runBudgetUsd or limits.runMaxCalls (429 run_budget_exceeded / run_call_limit_exceeded).', queries: [q(`sum(increase(breakwater_ratelimit_rejections_total{${K}, limit=~"run_budget|run_calls"}[$__range]))`, 'refused')] },
        { stack: true, w: 8, title: 'Runs started per second by id source', unit: 'reqps', description: 'Where each run id came from: header (x-breakwater-run-id), harness session, baggage, prompt_cache_key, previous response, tool-call stitching, or new.', queries: [q(`sum by (source) (rate(breakwater_runs_started_total{${K}}${RATE}))`, '{{source}}')] },
        { w: 8, title: 'Cost per ended run', unit: 'currencyUSD', description: 'What a run cost from its first to its last call, p50 / p95 / p99 over runs that ended.', queries: quantiles('breakwater_run_cost_usd', K, '', '') },
        { w: 8, title: 'Calls per ended run', unit: 'short', description: 'How many calls a run made, p50 / p95 / p99 over runs that ended.', queries: quantiles('breakwater_run_calls', K, '', '') },
        { stack: true, w: 12, title: 'Agent loops per second by key', unit: 'reqps', description: 'Calls seen looping, by key and what the gateway did (warn: header and span event; block: 429 agent_loop_detected).', queries: [q(`sum by (key, action) (rate(breakwater_agent_loops_total{${K}}${RATE}))`, '{{key}} {{action}}')] },
        { w: 12, title: 'Run duration', unit: 's', description: 'First to last call of each ended run, p50 / p95 / p99.', queries: quantiles('breakwater_run_duration_seconds', K, '', '') },
      ],
    },
    {
      title: 'Routing and cache',
      panels: [
        { stack: true, title: 'Route selections per second by upstream', unit: 'reqps', description: "Calls sent, by the upstream their route's strategy chose to try first (weighted, least-inflight, run affinity). Fallbacks are not in here: see Fallbacks per second.", queries: [q(`sum by (route, upstream) (rate(breakwater_route_selections_total{${U}}${RATE}))`, '{{route}} → {{upstream}}')] },
        { stack: true, title: 'Policy actions per second', unit: 'reqps', description: 'What key and route policies did to calls: clamped or rejected max tokens, defaulted or overridden body fields, models a key may not call (model_denied).', queries: [q(`sum by (route, action) (rate(breakwater_policy_actions_total{${J}}${RATE}))`, '{{route}} {{action}}')] },
        { title: 'Cache hit ratio by route', unit: 'percentunit', min: 0, max: 1, description: 'Share of calls to caching routes answered from the response cache (hits over hits, misses and bypasses).', queries: [q(`sum by (route) (rate(breakwater_cache_requests_total{${J}, result="hit"}${RATE})) / sum by (route) (rate(breakwater_cache_requests_total{${J}}${RATE}))`, '{{route}}')] },
        { kind: 'stat', w: 6, h: 8, title: 'Saved by the cache in time range', unit: 'currencyUSD', description: 'What the cache hits of the selected time range would have cost: each replayed answer at the cost it had when it was made.', queries: [q(`sum(increase(breakwater_cache_saved_usd_total{${K}, model=~"$model"}[$__range]))`, 'USD')] },
        { stack: true, w: 9, title: 'Cache savings per hour by key', unit: 'currencyUSD', description: 'USD per hour the cache hits saved, by gateway key.', queries: [q(`sum by (key) (rate(breakwater_cache_saved_usd_total{${K}, model=~"$model"}${RATE})) * 3600`, '{{key}}')] },
        { stack: true, w: 9, title: 'Cache answers per second', unit: 'reqps', description: 'Calls to caching routes by how the cache answered: hit (replayed), miss (asked the upstream, refresh included) or bypass (x-breakwater-cache: bypass).', queries: [q(`sum by (result) (rate(breakwater_cache_requests_total{${J}}${RATE}))`, '{{result}}')] },
      ],
    },
    {
      title: 'Process',
      panels: [
        { w: 6, title: 'CPU per replica', unit: 'percentunit', description: 'CPU used by each gateway process (1 = one full core).', queries: [q(`sum by (instance) (rate(process_cpu_seconds_total{${J}}${RATE}))`, '{{instance}}')] },
        { w: 6, title: 'Memory per replica', unit: 'bytes', description: 'Resident memory of each gateway process.', queries: [q(`sum by (instance) (process_resident_memory_bytes{${J}})`, '{{instance}}')] },
        { w: 6, title: 'Event loop lag', unit: 's', description: 'How late Node\'s event loop runs; above a few ms it adds directly to gateway overhead.', queries: [q(`max by (instance) (nodejs_eventloop_lag_seconds{${J}})`, '{{instance}}')] },
        { w: 6, kind: 'stat', title: 'Shared state store', unit: 'bool_yes_no', steps: [{ color: 'red', value: null }, { color: 'green', value: 1 }], description: 'Whether every replica reaches its shared state (Redis); always yes with in-process state.', queries: [q(`min(breakwater_state_store_up{${J}})`, 'reachable')] },
      ],
    },
  ];
  return dashboard(
    'breakwater-overview',
    'Breakwater / Overview',
    'LLM gateway health: traffic, errors, latency, tokens and cost, resilience, limits and streams, routing and cache.',
    rows,
    'breakwater-upstream',
    'Breakwater / Upstream drill-down',
  );
}

export function buildUpstream(): DashboardJson {
  const rows: RowSpec[] = [
    {
      title: 'Attempts',
      panels: [
        { kind: 'stat', w: 6, h: 5, title: 'Attempts per second', unit: 'reqps', description: 'Upstream attempts per second for the selected upstreams, retries included.', queries: [q(`sum(rate(breakwater_upstream_attempts_total{${U}}${RATE}))`, 'attempts/s')] },
        { kind: 'stat', w: 6, h: 5, title: 'Attempt failure ratio', unit: 'percentunit', steps: ERROR_STEPS, description: 'Share of upstream attempts that did not succeed (any error class).', queries: [q(`sum(rate(breakwater_upstream_attempts_total{${U}, outcome!="success"}${RATE})) / sum(rate(breakwater_upstream_attempts_total{${U}}${RATE}))`, 'failed')] },
        { kind: 'stat', w: 6, h: 5, title: 'Upstream 429 ratio', unit: 'percentunit', steps: [{ color: 'green', value: null }, { color: 'orange', value: 0.05 }, { color: 'red', value: 0.1 }], description: 'Share of attempts the provider rate limited (HTTP 429). Alert above 10%.', queries: [q(`sum(rate(breakwater_upstream_attempts_total{${U}, outcome="rate_limited"}${RATE})) / sum(rate(breakwater_upstream_attempts_total{${U}}${RATE}))`, '429 ratio')] },
        { kind: 'stat', w: 6, h: 5, title: 'In flight now', unit: 'short', description: 'Requests currently in an attempt against the selected upstreams.', queries: [q(`sum(breakwater_inflight_requests{${U}})`, 'in flight')] },
        { stack: true, w: 12, title: 'Attempts per second by outcome', unit: 'reqps', description: 'Upstream attempts by outcome: success or the error class of the failed attempt.', queries: [q(`sum by (upstream, outcome) (rate(breakwater_upstream_attempts_total{${U}}${RATE}))`, '{{upstream}} {{outcome}}')] },
        { kind: 'state-timeline', circuit: true, w: 12, title: 'Circuit breaker state', unit: 'none', description: 'closed (traffic flows), half-open (probing), open (no traffic to this upstream).', queries: [q(`max by (upstream) (breakwater_circuit_state{${U}})`, '{{upstream}}')] },
      ],
    },
    {
      title: 'Provider quota',
      panels: [
        { w: 12, title: 'Provider rate limit remaining', unit: 'short', description: 'What the provider says is left of its quota (x-ratelimit-remaining-requests / -tokens headers), lowest across replicas. Near zero, 429s follow.', queries: [q(`min by (upstream, resource) (breakwater_upstream_ratelimit_remaining{${U}})`, '{{upstream}} {{resource}}')] },
        { w: 12, title: 'Retries and fallbacks per second', unit: 'reqps', description: 'Retries against these upstreams by reason, and fallbacks away from them.', queries: [q(`sum by (upstream, reason) (rate(breakwater_retries_total{${U}}${RATE}))`, 'retry {{upstream}} {{reason}}'), q(`sum by (from_upstream, to_upstream) (rate(breakwater_fallbacks_total{${J}, from_upstream=~"$upstream"}${RATE}))`, 'fallback {{from_upstream}} → {{to_upstream}}')] },
      ],
    },
    {
      title: 'Latency by model',
      panels: [
        { w: 12, title: 'p95 request duration by model', unit: 's', description: 'End-to-end p95 duration of requests served by the selected upstreams, by model.', queries: [q(`histogram_quantile(0.95, sum by (le, model) (rate(breakwater_request_duration_seconds_bucket{${MU}}${RATE})))`, '{{model}}')] },
        { w: 12, title: 'p95 time to first token by model', unit: 's', description: 'p95 wait for the first token on the selected upstreams, by model.', queries: [q(`histogram_quantile(0.95, sum by (le, model) (rate(breakwater_time_to_first_token_seconds_bucket{${MU}}${RATE})))`, '{{model}}')] },
      ],
    },
    {
      title: 'Requests, tokens and streams',
      panels: [
        { stack: true, title: 'Requests per second by route and status', unit: 'reqps', description: 'Client-facing requests served by the selected upstreams.', queries: [q(`sum by (route, status_code) (rate(breakwater_requests_total{${MU}}${RATE}))`, '{{route}} {{status_code}}')] },
        { stack: true, title: 'Tokens per second by model and bucket', unit: 'suffix: tok/s', description: 'Token throughput through the selected upstreams (buckets are disjoint).', queries: [q(`sum by (model, type) (rate(breakwater_tokens_total{${MUK}}${RATE}))`, '{{model}} {{type}}')] },
        { stack: true, title: 'Cost per hour by model', unit: 'currencyUSD', description: 'Spend rate in USD per hour on the selected upstreams.', queries: [q(`sum by (model) (rate(breakwater_cost_usd_total{${MUK}}${RATE})) * 3600`, '{{model}}')] },
        { stack: true, w: 24, title: 'Stream outcomes by model', unit: 'reqps', description: 'How streams from the selected upstreams ended, by model and outcome.', queries: [q(`sum by (model, outcome) (rate(breakwater_stream_outcomes_total{${MU}}${RATE}))`, '{{model}} {{outcome}}')] },
      ],
    },
  ];
  return dashboard(
    'breakwater-upstream',
    'Breakwater / Upstream drill-down',
    'One upstream provider at a time: attempts and outcomes, circuit state, provider quota, latency, tokens and streams.',
    rows,
    'breakwater-overview',
    'Breakwater / Overview',
  );
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function checkFile(name: string, json: string): string {
  return [
    `// Generated by \`node dashboards/generate.ts\` from ${name}.json: do not edit.`,
    '// Type-checks the dashboard JSON against @grafana/schema (tsc -p tsconfig.test.json).',
    "import type { DashboardJson } from './dashboard-json.ts';",
    '',
    `export const ${camel(name)} = ${json.trimEnd()} satisfies DashboardJson;`,
    '',
  ].join('\n');
}

/** Every generated file, by path relative to the repository root, with its expected content. */
export function renderAll(): Map<string, string> {
  const files = new Map<string, string>();
  const dashboards: Array<[string, DashboardJson]> = [
    ['breakwater-overview', buildOverview()],
    ['breakwater-upstream', buildUpstream()],
  ];
  for (const [name, board] of dashboards) {
    const json = `${JSON.stringify(board, null, 2)}\n`;
    files.set(`dashboards/${name}.json`, json);
    files.set(`dashboards/${name}.check.ts`, checkFile(name, json));
    files.set(`helm/breakwater/dashboards/${name}.json`, json);
  }
  files.set('helm/breakwater/files/alerts.yaml', readFileSync(join(ROOT, 'dashboards/alerts.yaml'), 'utf8'));
  return files;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [path, content] of renderAll()) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), content);
    console.log(`wrote ${path}`);
  }
}
