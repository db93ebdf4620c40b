/**
 * When the dashboards and alert rules are read, then every PromQL expression in them parses
 * (lezer grammar, lenient) and passes `promtool check rules` (Prometheus' own parser, strict).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { dashboardExpressions, parsePromql, requireTool, ruleExpressions, runTool, substituteVariables } from './ship-helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'breakwater-promql-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const dashboardExprs = dashboardExpressions();
const ruleExprs = ruleExpressions();

describe('PromQL in dashboards and rules', () => {
  it('finds expressions to check', () => {
    expect(dashboardExprs.length).toBeGreaterThan(40);
    expect(ruleExprs.length).toBeGreaterThan(15);
  });

  it.each([...dashboardExprs, ...ruleExprs].map((e) => [e.where, e.expr] as const))(
    'parses with @prometheus-io/lezer-promql: %s',
    (_where, expr) => {
      const parsed = parsePromql(substituteVariables(expr));
      expect(parsed.errors).toEqual([]);
      expect(parsed.metrics.length).toBeGreaterThan(0);
    },
  );

  it('passes `promtool check rules` when each expression is wrapped as a recording rule', () => {
    const promtool = requireTool('promtool', 'prometheus');
    const rules = [...dashboardExprs, ...ruleExprs].map((e, i) => ({
      record: `breakwater_check:expr_${i}`,
      expr: substituteVariables(e.expr),
    }));
    const file = join(work, 'wrapped.rules.yaml');
    writeFileSync(file, stringify({ groups: [{ name: 'wrapped', rules }] }));
    const result = runTool(promtool, ['check', 'rules', file]);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });

  it('leaves no Grafana variable unsubstituted', () => {
    for (const e of dashboardExprs) expect(substituteVariables(e.expr)).not.toMatch(/\$/);
  });
});
