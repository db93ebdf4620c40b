/**
 * When the Helm chart is read (no helm binary here), then Chart.yaml has the fields Helm needs,
 * values.yaml and the example values satisfy values.schema.json (and the schema rejects the
 * classic mistakes), the YAML passes yamllint, the templates' actions are balanced, the
 * PrometheusRule renders to exactly dashboards/alerts.yaml, the dashboards ConfigMap carries
 * Grafana's sidecar label, and the pod drains longer than the gateway's drain timeout.
 */
import { readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { chartConfigSchema } from '../../src/config/chart-schema.ts';
import { readRepoFile, repoPath, requireTool, runTool } from './ship-helpers.ts';

const CHART = 'helm/breakwater';
const schema = JSON.parse(readRepoFile(CHART, 'values.schema.json')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

type Values = Record<string, unknown>;

function loadValues(path: string): Values {
  return parseYaml(readRepoFile(path)) as Values;
}

function errorsOf(values: Values): string {
  return validate(values) ? '' : ajv.errorsText(validate.errors);
}

/** Deep merge like Helm's `-f` layering: maps merge, everything else replaces. */
function layer(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    const isMap = (x: unknown): x is Values => typeof x === 'object' && x !== null && !Array.isArray(x);
    out[k] = isMap(b) && isMap(v) ? layer(b, v) : v;
  }
  return out;
}

const defaults = loadValues(`${CHART}/values.yaml`);
const exampleFiles = readdirSync(repoPath('helm/examples')).filter((f) => f.startsWith('values-') && f.endsWith('.yaml'));
const templates = readdirSync(repoPath(CHART, 'templates'));

describe('Helm chart helm/breakwater', () => {
  it('Chart.yaml has apiVersion v2 and the fields Helm and artifact hubs need', () => {
    const chart = parseYaml(readRepoFile(CHART, 'Chart.yaml')) as Record<string, unknown>;
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'breakwater', type: 'application' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    expect(typeof chart.appVersion).toBe('string');
    expect(String(chart.description).length).toBeGreaterThan(20);
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    expect(chart.appVersion).toBe(pkg.version);
  });

  it('the schema of `config` is the gateway\'s own config schema, as strict (npm run chart:schema)', () => {
    expect((schema['properties'] as Record<string, unknown>)['config']).toEqual(chartConfigSchema());
  });

  it('values.yaml satisfies values.schema.json', () => {
    expect(errorsOf(defaults)).toBe('');
  });

  it.each(exampleFiles)('helm/examples/%s layered on values.yaml satisfies values.schema.json', (file) => {
    expect(errorsOf(layer(defaults, loadValues(`helm/examples/${file}`)))).toBe('');
  });

  it.each([
    ['a literal upstream API key', { config: { upstreams: [{ name: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-live-123' }] } }],
    ['Redis enabled without a URL or Secret', { redis: { enabled: true } }],
    ['a Redis URL with a password', { redis: { enabled: true, url: 'redis://user:hunter2@redis:6379' } }],
    ['server.port set in config (the chart owns it)', { config: { server: { port: 9000 } } }],
    ['a misspelled top-level key', { replicas: 3 }],
    ['a probe on an unknown path', { probes: { liveness: { path: '/health' } } }],
    ['a key hash that is not sha256', { config: { keys: [{ name: 'a', hash: 'md5:abc' }] } }],
    ['a misspelt route field', { config: { routes: [{ match: '*', stratgy: 'weighted', targets: [{ upstream: 'openai' }] }] } }],
    ['a misspelt key limit', { config: { keys: [{ name: 'a', hash: `sha256:${'a'.repeat(64)}`, limits: { runBudget: 5 } }] } }],
    ['an unknown load-balancing strategy', { config: { routes: [{ match: '*', strategy: 'round-robin', targets: [{ upstream: 'openai' }] }] } }],
    ['the Redis URL in config (the chart owns it)', { config: { state: { redisUrl: 'redis://redis:6379' } } }],
    ['sidecar mode without an agent container', { mode: 'sidecar' }],
    ['an unknown mode', { mode: 'daemonset' }],
    ['an agent container named breakwater', { mode: 'sidecar', sidecar: { containers: [{ name: 'breakwater', image: 'x' }] } }],
  ] as const)('values.schema.json rejects %s', (_what, over) => {
    expect(errorsOf(layer(defaults, over as Values))).not.toBe('');
  });

  const layered: Array<[string, Values]> = [['values.yaml', defaults], ...exampleFiles.map((f): [string, Values] => [f, layer(defaults, loadValues(`helm/examples/${f}`))])];
  it.each(layered)(
    '%s: the grace period outlasts preStop sleep plus drain, so rollouts never cut streams',
    (_file, values) => {
      const v = values as { terminationGracePeriodSeconds: number; preStopSleepSeconds: number; drainTimeoutSeconds: number };
      expect(v.terminationGracePeriodSeconds).toBeGreaterThan(v.preStopSleepSeconds + v.drainTimeoutSeconds);
    },
  );

  it('passes yamllint (values, examples, Chart.yaml, alert rules and their tests)', () => {
    const yamllint = requireTool('yamllint', 'yamllint');
    const files = [
      `${CHART}/Chart.yaml`,
      `${CHART}/values.yaml`,
      `${CHART}/files/alerts.yaml`,
      ...readdirSync(repoPath('helm/examples')).map((f) => `helm/examples/${f}`),
      'dashboards/alerts.yaml',
      'dashboards/alerts.test.yaml',
    ];
    const result = runTool(yamllint, ['-s', '-f', 'parsable', '-c', 'test/ship/yamllint.yaml', ...files]);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('has every template the issue asks for', () => {
    for (const t of ['deployment.yaml', 'service.yaml', 'configmap.yaml', 'hpa.yaml', 'pdb.yaml', 'servicemonitor.yaml', 'prometheusrule.yaml', 'dashboards-configmap.yaml']) {
      expect(templates).toContain(t);
    }
  });

  it.each(templates.filter((t) => t.endsWith('.yaml') || t.endsWith('.tpl')))('templates/%s has balanced template actions', (file) => {
    const text = readRepoFile(CHART, 'templates', file);
    const opens = [...text.matchAll(/\{\{-?\s*(if|with|range|define)\b/g)].length;
    const ends = [...text.matchAll(/\{\{-?\s*end\s*-?\}\}/g)].length;
    expect(ends).toBe(opens);
    expect([...text.matchAll(/\{\{/g)].length).toBe([...text.matchAll(/\}\}/g)].length);
  });

  it('the PrometheusRule renders exactly the rules of dashboards/alerts.yaml', () => {
    const template = readRepoFile(CHART, 'templates', 'prometheusrule.yaml');
    expect(template).toContain('kind: PrometheusRule');
    expect(template).toContain('apiVersion: monitoring.coreos.com/v1');
    const include = '{{- .Files.Get "files/alerts.yaml" | nindent 2 }}';
    expect(template).toContain(`spec:\n  ${include}`);
    // What Helm does for `spec:` + nindent 2: a newline, then every line indented by two spaces.
    const file = readRepoFile(CHART, 'files', 'alerts.yaml');
    const rendered = `spec:${`\n${file}`.replaceAll('\n', '\n  ')}`;
    const spec = (parseYaml(rendered) as { spec: unknown }).spec;
    expect(spec).toEqual(parseYaml(readRepoFile('dashboards', 'alerts.yaml')));
    expect(file).toBe(readRepoFile('dashboards', 'alerts.yaml'));
  });

  it('the dashboards ConfigMap holds the dashboards with the grafana_dashboard label', () => {
    const template = readRepoFile(CHART, 'templates', 'dashboards-configmap.yaml');
    expect(template).toContain('(.Files.Glob "dashboards/*.json").AsConfig');
    expect((defaults.dashboards as { labels: Record<string, string> }).labels).toEqual({ grafana_dashboard: '1' });
    expect(readdirSync(repoPath(CHART, 'dashboards')).sort()).toEqual(readdirSync(repoPath('dashboards')).filter((f) => f.endsWith('.json')).sort());
  });

  it('the Deployment probes /healthz and /readyz, waits in preStop and runs the config it mounts', () => {
    // The container itself is a helper, shared by the standalone and the sidecar pod.
    const deployment = readRepoFile(CHART, 'templates', 'deployment.yaml') + readRepoFile(CHART, 'templates', '_helpers.tpl');
    const probes = defaults.probes as Record<string, { path: string }>;
    expect(probes.liveness?.path).toBe('/healthz');
    expect(probes.readiness?.path).toBe('/readyz');
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(deployment).toContain(`${probe}:`);
    expect(deployment).toContain('terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}');
    expect(deployment).toMatch(/preStop:\s+exec:\s+command: \["sleep", "\{\{ \.Values\.preStopSleepSeconds \}\}"\]/);
    expect(deployment).toContain('- /etc/breakwater/breakwater.yaml');
    expect(deployment).toContain('mountPath: /etc/breakwater');
    expect(deployment).toContain('secretKeyRef:');
    expect(deployment).toContain('name: REDIS_URL');
    expect(readRepoFile(CHART, 'templates', '_helpers.tpl')).toContain('"drainTimeoutMs" (mul (int .Values.drainTimeoutSeconds) 1000)');
    expect(defaults.port).toBe(8300);
  });
});
