/**
 * When the alert rules are checked, then they are valid for Prometheus, their unit tests pass,
 * every required alert exists with summary, description and a runbook section in docs/alerts.md,
 * and every alert has a promtool test case where it fires.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { allRules, readRepoFile, requireTool, runTool } from './ship-helpers.ts';

const REQUIRED_ALERTS = [
  'BreakwaterErrorBudgetBurnFast',
  'BreakwaterErrorBudgetBurnSlow',
  'BreakwaterCircuitOpen',
  'BreakwaterUpstreamRateLimitSurge',
  'BreakwaterBudgetHigh',
  'BreakwaterBudgetExhausted',
  'BreakwaterTimeToFirstTokenHigh',
  'BreakwaterStreamTruncationHigh',
  'BreakwaterGatewayOverheadHigh',
  'BreakwaterInternalErrors',
  'BreakwaterStateStoreDown',
  'BreakwaterDown',
  'BreakwaterAbsent',
  'BreakwaterAgentLoopBurst',
  'BreakwaterRunsHittingCaps',
];

const alerts = allRules().filter((r) => r.alert !== undefined);

interface PromtoolTests {
  rule_files: string[];
  tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

describe('alert rules (dashboards/alerts.yaml)', () => {
  it('pass `promtool check rules`', () => {
    const promtool = requireTool('promtool', 'prometheus');
    const result = runTool(promtool, ['check', 'rules', 'dashboards/alerts.yaml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('pass their unit tests: `promtool test rules dashboards/alerts.test.yaml`', () => {
    const promtool = requireTool('promtool', 'prometheus');
    const result = runTool(promtool, ['test', 'rules', 'dashboards/alerts.test.yaml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('hold exactly the required alerts', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([...REQUIRED_ALERTS].sort());
  });

  it('burn the error budget on two windows each (multi-window, multi-burn-rate)', () => {
    for (const name of ['BreakwaterErrorBudgetBurnFast', 'BreakwaterErrorBudgetBurnSlow']) {
      const rule = alerts.find((a) => a.alert === name);
      const windows = [...(rule?.expr ?? '').matchAll(/ratio_rate(\w+)/g)].map((m) => m[1]);
      expect(windows.length, name).toBe(4);
      expect(rule?.expr).toMatch(/\band\b[\s\S]*\bor\b[\s\S]*\band\b/);
    }
  });

  it.each(alerts.map((a) => [a.alert ?? '', a] as const))('%s has severity, summary, description and a runbook anchor that exists', (name, rule) => {
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    expect(rule.annotations?.summary?.length ?? 0).toBeGreaterThan(10);
    expect(rule.annotations?.description?.length ?? 0).toBeGreaterThan(20);
    const anchor = name.toLowerCase();
    expect(rule.annotations?.runbook_url).toMatch(new RegExp(`/docs/alerts\\.md#${anchor}$`));
    const runbook = readRepoFile('docs', 'alerts.md');
    // GitHub anchors: a heading "## BreakwaterCircuitOpen" becomes #breakwatercircuitopen.
    expect(runbook).toMatch(new RegExp(`^#{2,3} ${name}$`, 'm'));
  });

  it('every alert has a promtool test case where it fires, and the suite asserts silence somewhere', () => {
    const suite = parseYaml(readRepoFile('dashboards', 'alerts.test.yaml')) as PromtoolTests;
    expect(suite.rule_files).toEqual(['alerts.yaml']);
    const cases = suite.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const name of REQUIRED_ALERTS) {
      expect(cases.some((c) => c.alertname === name && (c.exp_alerts?.length ?? 0) > 0), `${name} fires in a test`).toBe(true);
    }
    expect(cases.filter((c) => (c.exp_alerts?.length ?? 0) === 0).length).toBeGreaterThanOrEqual(6);
  });
});
