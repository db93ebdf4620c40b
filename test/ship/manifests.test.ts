/**
 * When the plain manifests under helm/examples/ are read, then every object validates against
 * the Kubernetes OpenAPI schemas (kubernetes-models), and the sidecar example runs Breakwater next
 * to the agent with OPENAI_BASE_URL=http://localhost:8300/v1, probes and no provider key in the agent.
 */
import { readdirSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Pod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { parseAllDocuments } from 'yaml';
import { readRepoFile, repoPath } from './ship-helpers.ts';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
}

const MODELS: Record<string, (data: K8sObject) => { validate(): void }> = {
  'v1/ConfigMap': (d) => new ConfigMap(d as ConstructorParameters<typeof ConfigMap>[0]),
  'v1/Pod': (d) => new Pod(d as ConstructorParameters<typeof Pod>[0]),
  'apps/v1/Deployment': (d) => new Deployment(d as ConstructorParameters<typeof Deployment>[0]),
};

const manifests = readdirSync(repoPath('helm/examples')).filter((f) => !f.startsWith('values-') && f.endsWith('.yaml'));

function objects(file: string): K8sObject[] {
  return parseAllDocuments(readRepoFile('helm/examples', file)).map((d) => d.toJS() as K8sObject);
}

describe('plain manifests in helm/examples', () => {
  it('include the sidecar example', () => {
    expect(manifests).toContain('sidecar-pod.yaml');
  });

  it.each(manifests)('%s validates with kubernetes-models', (file) => {
    const objs = objects(file);
    expect(objs.length).toBeGreaterThan(0);
    for (const obj of objs) {
      const model = MODELS[`${obj.apiVersion}/${obj.kind}`];
      expect(model, `no model registered for ${obj.apiVersion}/${obj.kind}`).toBeDefined();
      expect(() => model?.(obj).validate(), `${obj.kind} ${obj.metadata?.name ?? ''}`).not.toThrow();
    }
  });

  it('sidecar-pod.yaml wires the agent to the Breakwater sidecar on localhost', () => {
    const objs = objects('sidecar-pod.yaml');
    const deployment = new Deployment(objs.find((o) => o.kind === 'Deployment') as ConstructorParameters<typeof Deployment>[0]);
    const spec = deployment.spec?.template.spec;
    const sidecar = spec?.initContainers?.find((c) => c.name === 'breakwater');
    const agent = spec?.containers.find((c) => c.name === 'agent');
    expect(sidecar?.restartPolicy).toBe('Always');
    // Probes and scrapes reach the admin port; the API listens on the pod's loopback only.
    expect(sidecar?.ports?.map((p) => p.containerPort)).toEqual([8301]);
    expect(sidecar?.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: sidecar?.ports?.[0]?.name });
    expect(sidecar?.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', port: sidecar?.ports?.[0]?.name });
    expect(sidecar?.args).toEqual(['--config', '/etc/breakwater/breakwater.yaml']);
    expect(sidecar?.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(agent?.env?.find((e) => e.name === 'OPENAI_BASE_URL')?.value).toBe('http://127.0.0.1:8300/v1');
    // The provider key lives only in the sidecar; the agent holds a gateway key.
    const agentSecretKeys = (agent?.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.key);
    expect(agentSecretKeys).not.toContain('openai-api-key');
    expect(sidecar?.env?.find((e) => e.name === 'OPENAI_API_KEY')?.valueFrom?.secretKeyRef?.key).toBe('openai-api-key');
    // The mounted config is the ConfigMap in the same file.
    const configMap = objs.find((o) => o.kind === 'ConfigMap') as unknown as { metadata: { name: string }; data: Record<string, string> };
    expect(spec?.volumes?.find((v) => v.name === 'breakwater-config')?.configMap?.name).toBe(configMap.metadata.name);
    // The gateway's own schema accepts the mounted config.
    const config = parseConfig(parseYaml(configMap.data['breakwater.yaml']!), { OPENAI_API_KEY: 'sk-x', AGENT_KEY_HASH: `sha256:${'a'.repeat(64)}` });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8300, adminHost: '0.0.0.0', adminPort: 8301 });
    const drainMs = Number(/drainTimeoutMs: (\d+)/.exec(configMap.data['breakwater.yaml'] ?? '')?.[1]);
    expect(spec?.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(drainMs / 1000);
  });
});
