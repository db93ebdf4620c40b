/**
 * Shared helpers for the test/ship suite: locating repo files and tools, reading the dashboards
 * and the alert rules, and pulling PromQL expressions and metric names out of them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function repoPath(...parts: string[]): string {
  return join(ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** Absolute path of a CLI on PATH; throws with an install hint when it is missing (CI installs it). */
export function requireTool(name: string, aptPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error(`${name} is not on PATH: install it with \`apt-get install -y ${aptPackage}\` (CI installs it)`);
  }
  return path;
}

export interface ToolResult {
  status: number | null;
  output: string;
}

export function runTool(path: string, args: string[], cwd: string = ROOT): ToolResult {
  const result = spawnSync(path, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// ---- dashboards ------------------------------------------------------------------------------

export interface DashboardTarget {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: DashboardTarget[];
  panels?: DashboardPanel[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  query?: string | Record<string, unknown>;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardFile {
  file: string;
  uid: string;
  title: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
}

export function dashboardFiles(): string[] {
  return readdirSync(repoPath('dashboards'))
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export function loadDashboards(): DashboardFile[] {
  return dashboardFiles().map((file) => ({ ...(JSON.parse(readRepoFile('dashboards', file)) as Omit<DashboardFile, 'file'>), file }));
}

/** Every non-row panel, rows flattened. */
export function leafPanels(board: DashboardFile): DashboardPanel[] {
  const out: DashboardPanel[] = [];
  const walk = (panels: DashboardPanel[]): void => {
    for (const p of panels) {
      if (p.type === 'row') walk(p.panels ?? []);
      else out.push(p);
    }
  };
  walk(board.panels);
  return out;
}

export interface NamedExpr {
  where: string;
  expr: string;
}

const LABEL_VALUES = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s;

/** PromQL of every panel target, plus the series selector inside each `label_values(...)` variable query. */
export function dashboardExpressions(): NamedExpr[] {
  const out: NamedExpr[] = [];
  for (const board of loadDashboards()) {
    for (const panel of leafPanels(board)) {
      for (const target of panel.targets ?? []) {
        if (target.expr !== undefined) out.push({ where: `${board.file} "${panel.title ?? ''}" ${target.refId ?? ''}`, expr: target.expr });
      }
    }
    for (const variable of board.templating.list) {
      if (variable.type !== 'query' || typeof variable.query !== 'string') continue;
      const m = LABEL_VALUES.exec(variable.query);
      if (m === null || m[1] === undefined) throw new Error(`${board.file} variable ${variable.name}: unsupported query ${variable.query}`);
      out.push({ where: `${board.file} variable $${variable.name}`, expr: m[1] });
    }
  }
  return out;
}

/** Grafana's variables replaced by values Prometheus accepts. */
export function substituteVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h')
    .replace(/\$\{(\w+)\}/g, '.*')
    .replace(/\$(\w+)/g, '.*');
}

// ---- alert rules -----------------------------------------------------------------------------

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  groups: Array<{ name: string; rules: Rule[] }>;
}

export function loadRules(file = 'dashboards/alerts.yaml'): RuleFile {
  return parseYaml(readRepoFile(file)) as RuleFile;
}

export function allRules(): Rule[] {
  return loadRules().groups.flatMap((g) => g.rules);
}

export function ruleExpressions(): NamedExpr[] {
  return allRules().map((r) => ({ where: `alerts.yaml ${r.alert ?? r.record ?? ''}`, expr: r.expr }));
}

// ---- PromQL ----------------------------------------------------------------------------------

export interface Selector {
  metric: string;
  labels: string[];
}

export interface ParsedPromql {
  errors: string[];
  metrics: string[];
  selectors: Selector[];
}

/** Parse with the lezer PromQL grammar: error nodes, and the metric names of all vector selectors. */
export function parsePromql(expr: string): ParsedPromql {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics = new Set<string>();
  const selectors: Selector[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`syntax error at ${node.from}: "${expr.slice(Math.max(0, node.from - 20), node.to + 20)}"`);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id === null) return;
        const metric = expr.slice(id.from, id.to);
        metrics.add(metric);
        const labels: string[] = [];
        node.node.cursor().iterate((inner) => {
          if (inner.name === 'LabelName') labels.push(expr.slice(inner.from, inner.to));
        });
        selectors.push({ metric, labels });
      }
    },
  });
  return { errors, metrics: [...metrics], selectors };
}

/** Metric names the rule file itself records (level:metric:operations), not scraped from the gateway. */
export function recordedNames(): Set<string> {
  return new Set(allRules().flatMap((r) => (r.record === undefined ? [] : [r.record])));
}
