/**
 * When the chart is rendered by a real helm (test/.tools/helm, see scripts/ensure-test-deps.sh),
 * then every object of every example validates against the Kubernetes schemas (kubernetes-models),
 * the gateway accepts the config the chart renders (its own parseConfig), and in `mode: sidecar`
 * Breakwater is a native sidecar of the agent: init container with restartPolicy Always, API on the
 * pod's loopback, the agent pointed at it, probes and the Service on the admin port only.
 */
import { existsSync, readdirSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { repoPath, runTool } from './ship-helpers.ts';

const HELM = repoPath('test/.tools/helm');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [field: string]: unknown;
}

type Validator = (data: K8sObject) => { validate(): void };
const VALIDATORS: Record<string, Validator> = {
  'v1/ConfigMap': (d) => new ConfigMap(d as ConstructorParameters<typeof ConfigMap>[0]),
  'v1/Service': (d) => new Service(d as ConstructorParameters<typeof Service>[0]),
  'apps/v1/Deployment': (d) => new Deployment(d as ConstructorParameters<typeof Deployment>[0]),
  'policy/v1/PodDisruptionBudget': (d) => new PodDisruptionBudget(d as ConstructorParameters<typeof PodDisruptionBudget>[0]),
  'autoscaling/v2/HorizontalPodAutoscaler': (d) => new HorizontalPodAutoscaler(d as ConstructorParameters<typeof HorizontalPodAutoscaler>[0]),
};
/** Prometheus Operator kinds have no model here: their shape is checked by the chart tests. */
const CUSTOM_KINDS = new Set(['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule']);

function helm(args: string[]): { status: number | null; output: string } {
  if (!existsSync(HELM)) throw new Error(`${HELM} is missing: run scripts/ensure-test-deps.sh`);
  return runTool(HELM, args);
}

function render(...valueFiles: string[]): K8sObject[] {
  const result = helm(['template', 'demo', 'helm/breakwater', '--namespace', 'agents', ...valueFiles.flatMap((f) => ['-f', f])]);
  expect(result.status, result.output).toBe(0);
  return parseAllDocuments(result.output).map((d) => d.toJS() as K8sObject).filter((o) => o !== null);
}

function find<T>(objects: K8sObject[], kind: string): T {
  const found = objects.find((o) => o.kind === kind);
  expect(found, `no ${kind}`).toBeDefined();
  return found as unknown as T;
}

/** The gateway config the chart mounts, with placeholder values for the variables it names. */
function mountedConfig(objects: K8sObject[]) {
  const configMap = find<{ data: Record<string, string> }>(objects.filter((o) => o.metadata.name === 'demo-breakwater'), 'ConfigMap');
  const env = { OPENAI_API_KEY: 'sk-x', AZURE_OPENAI_API_KEY: 'az-x', REDIS_URL: 'redis://redis:6379', ...Object.fromEntries(['AGENT_KEY_HASH', 'ADMIN_KEY_HASH', 'TEAM_A_KEY_HASH', 'TEAM_B_KEY_HASH'].map((n, i) => [n, `sha256:${String(i).repeat(64)}`])) };
  return parseConfig(parseYaml(configMap.data['breakwater.yaml']!), env);
}

const examples = readdirSync(repoPath('helm/examples')).filter((f) => f.startsWith('values-') && f.endsWith('.yaml'));
const cases: Array<[string, string[]]> = [['values.yaml', []], ...examples.map((f): [string, string[]] => [f, [`helm/examples/${f}`]])];

describe('the chart rendered by helm', () => {
  it('passes helm lint --strict with the defaults and every example', () => {
    for (const [, files] of cases) {
      const result = helm(['lint', '--strict', 'helm/breakwater', ...files.flatMap((f) => ['-f', f])]);
      expect(result.status, result.output).toBe(0);
    }
  });

  it.each(cases)('%s: every rendered object validates against the Kubernetes schemas, and the gateway accepts its config', (_name, files) => {
    const objects = render(...files);
    expect(objects.length).toBeGreaterThan(2);
    for (const object of objects) {
      const key = `${object.apiVersion}/${object.kind}`;
      if (CUSTOM_KINDS.has(key)) continue;
      const validator = VALIDATORS[key];
      expect(validator, `no validator for ${key}`).toBeDefined();
      expect(() => validator!(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
    expect(mountedConfig(objects).server.port).toBe(8300);
  });

  it('mode: sidecar renders Breakwater as a native sidecar beside the agent, wired over the pod loopback', () => {
    const objects = render('helm/examples/values-sidecar.yaml');
    const deployment = new Deployment(find<ConstructorParameters<typeof Deployment>[0]>(objects, 'Deployment'));
    const pod = deployment.spec!.template.spec!;
    const sidecar = pod.initContainers?.find((c) => c.name === 'breakwater');
    expect(sidecar?.restartPolicy).toBe('Always');
    expect(pod.containers.map((c) => c.name)).toEqual(['agent']);
    expect(sidecar?.ports).toEqual([{ name: 'admin', containerPort: 8301, protocol: 'TCP' }]);
    for (const probe of [sidecar?.startupProbe, sidecar?.readinessProbe, sidecar?.livenessProbe]) expect(probe?.httpGet?.port).toBe('admin');
    expect(sidecar?.lifecycle).toBeUndefined();
    const agentEnv = Object.fromEntries((pod.containers[0]!.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom?.secretKeyRef?.key]));
    expect(agentEnv).toEqual({ OPENAI_BASE_URL: 'http://127.0.0.1:8300/v1', ANTHROPIC_BASE_URL: 'http://127.0.0.1:8300', OPENAI_API_KEY: 'gateway-key' });
    // The provider key is in Breakwater's environment only.
    expect(sidecar?.env?.find((e) => e.name === 'OPENAI_API_KEY')?.valueFrom?.secretKeyRef?.key).toBe('openai-api-key');
    const config = mountedConfig(objects);
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8300, adminHost: '0.0.0.0', adminPort: 8301 });
    const service = find<{ spec: { ports: Array<{ name: string }> } }>(objects, 'Service');
    expect(service.spec.ports.map((p) => p.name)).toEqual(['admin']);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(config.server.drainTimeoutMs / 1000);
  });

  it('mode: sidecar keeps an agent\'s own OPENAI_BASE_URL, and refuses to render without an agent', () => {
    const ownUrl = helm(['template', 'demo', 'helm/breakwater', '-f', 'helm/examples/values-sidecar.yaml', '--set-json', 'sidecar.containers=[{"name":"agent","image":"a:1","env":[{"name":"OPENAI_BASE_URL","value":"http://127.0.0.1:8300/v1/custom"}]}]']);
    expect(ownUrl.status, ownUrl.output).toBe(0);
    const deployment = parseAllDocuments(ownUrl.output).map((d) => d.toJS() as K8sObject).find((o) => o?.kind === 'Deployment') as unknown as ConstructorParameters<typeof Deployment>[0] | undefined;
    const env = deployment!.spec!.template.spec!.containers[0]!.env!;
    expect(env.filter((e) => e.name === 'OPENAI_BASE_URL').map((e) => e.value)).toEqual(['http://127.0.0.1:8300/v1/custom']);
    expect(env.map((e) => e.name)).toContain('ANTHROPIC_BASE_URL');
    const empty = helm(['template', 'demo', 'helm/breakwater', '--set', 'mode=sidecar']);
    expect(empty.status).not.toBe(0);
    expect(empty.output).toContain('/sidecar');
  });

  it('mode: standalone serves the API on its own port and Service, with preStop and no init containers', () => {
    const objects = render();
    const pod = new Deployment(find<ConstructorParameters<typeof Deployment>[0]>(objects, 'Deployment')).spec!.template.spec!;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers[0]?.ports?.map((p) => p.name)).toEqual(['http', 'admin']);
    expect(pod.containers[0]?.lifecycle?.preStop?.exec?.command).toEqual(['sleep', '10']);
    expect(find<{ spec: { ports: Array<{ name: string }> } }>(objects, 'Service').spec.ports.map((p) => p.name)).toEqual(['http', 'admin']);
  });
});
