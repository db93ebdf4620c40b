/**
 * When the Grafana dashboards are read, then they carry a Prometheus datasource variable and the
 * model/upstream/key variables, every panel has a unit, a description and queries on that
 * datasource, and the overview covers every signal the issue lists. (Type-checking against
 * @grafana/schema happens in dashboards/*.check.ts under `tsc -p tsconfig.test.json`.)
 */
import { describe, expect, it } from 'vitest';
import { leafPanels, loadDashboards } from './ship-helpers.ts';

const boards = loadDashboards();

describe('Grafana dashboards', () => {
  it('are the overview and the upstream drill-down', () => {
    expect(boards.map((b) => b.uid).sort()).toEqual(['breakwater-overview', 'breakwater-upstream']);
  });

  it.each(boards.map((b) => [b.file, b] as const))('%s: recent schema, datasource and filter variables', (_file, board) => {
    expect(board.schemaVersion).toBeGreaterThanOrEqual(39);
    const vars = new Map(board.templating.list.map((v) => [v.name, v]));
    expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['model', 'upstream', 'key']) {
      const v = vars.get(name);
      expect(v?.type, name).toBe('query');
      expect(v?.query, name).toMatch(new RegExp(`^label_values\\(.*, ${name}\\)$`));
      expect(v?.datasource?.uid, name).toBe('${datasource}');
    }
  });

  it.each(boards.map((b) => [b.file, b] as const))('%s: every panel has a unit, a description and templated queries', (_file, board) => {
    const panels = leafPanels(board);
    expect(panels.length).toBeGreaterThan(8);
    const ids = new Set<number>();
    for (const p of panels) {
      const where = `${board.file} "${p.title ?? ''}"`;
      expect(p.title, where).toBeTruthy();
      expect(p.description?.length ?? 0, where).toBeGreaterThan(20);
      expect(p.fieldConfig?.defaults?.unit, where).toBeTruthy();
      expect(p.datasource?.uid, where).toBe('${datasource}');
      expect(p.targets?.length ?? 0, where).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.datasource?.uid, where).toBe('${datasource}');
        // Rates follow Grafana's scrape-aware interval, not a hard-coded window.
        if (t.expr?.includes('rate(') === true) expect(t.expr, where).toMatch(/\[\$__(rate_interval|range)\]/);
        // Every series is filtered by the job variable.
        expect(t.expr, where).toContain('job=~"$job"');
      }
      expect(ids.has(p.id ?? -1), `${where} id`).toBe(false);
      ids.add(p.id ?? -1);
    }
  });

  it('the overview shows every signal the issue asks for', () => {
    const overview = boards.find((b) => b.uid === 'breakwater-overview');
    const exprs = overview === undefined ? '' : leafPanels(overview).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).join('\n');
    for (const needle of [
      'breakwater_requests_total',
      'error_type',
      'histogram_quantile(0.5, sum by (le) (rate(breakwater_request_duration_seconds_bucket',
      'histogram_quantile(0.95, sum by (le) (rate(breakwater_request_duration_seconds_bucket',
      'histogram_quantile(0.99, sum by (le) (rate(breakwater_request_duration_seconds_bucket',
      'breakwater_time_to_first_token_seconds_bucket',
      'breakwater_gateway_overhead_seconds_bucket',
      'sum by (type) (rate(breakwater_tokens_total',
      'sum by (model) (rate(breakwater_cost_usd_total',
      'sum by (key) (rate(breakwater_cost_usd_total',
      'breakwater_retries_total',
      'breakwater_fallbacks_total',
      'breakwater_circuit_state',
      'breakwater_ratelimit_rejections_total',
      'breakwater_queue_depth',
      'breakwater_stream_outcomes_total',
      'breakwater_inflight_requests',
      'breakwater_budget_spent_usd',
      'breakwater_runs_active',
      'sum by (source) (rate(breakwater_runs_started_total',
      'breakwater_run_cost_usd_bucket',
      'breakwater_run_calls_bucket',
      'sum by (key, action) (rate(breakwater_agent_loops_total',
      'limit=~"run_budget|run_calls"',
      'sum by (route, upstream) (rate(breakwater_route_selections_total',
      'breakwater_policy_actions_total',
      'result="hit"',
      'breakwater_cache_saved_usd_total',
    ]) {
      expect(exprs, needle).toContain(needle);
    }
  });

  it('the drill-down covers attempts, circuit state and provider quota of an upstream', () => {
    const upstream = boards.find((b) => b.uid === 'breakwater-upstream');
    const exprs = upstream === undefined ? '' : leafPanels(upstream).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).join('\n');
    for (const needle of ['breakwater_upstream_attempts_total', 'breakwater_circuit_state', 'breakwater_upstream_ratelimit_remaining', 'outcome="rate_limited"']) {
      expect(exprs, needle).toContain(needle);
    }
  });
});
