import { randomBytes } from 'node:crypto';
import { hashKey } from '../auth/key-store.js';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** The demo's keys: made fresh each run, printed for the person watching, never written anywhere. */
export interface DemoKeys {
  readonly admin: string;
  /** An agent serving customers: concurrency-limited, it queues under bursts. */
  readonly support: string;
  /** A web app without limits: its calls show retries, the breaker and fallbacks. */
  readonly web: string;
  /** A research agent with a small requests-per-minute limit: it hits it. */
  readonly research: string;
  /** A nightly batch job on a tiny daily budget: it runs out. */
  readonly batch: string;
}

export function newDemoKeys(): DemoKeys {
  const key = (name: string): string => `bw-demo-${name}-${randomBytes(12).toString('base64url')}`;
  return { admin: key('admin'), support: key('support'), web: key('web'), research: key('research'), batch: key('batch') };
}

/** Models of the demo, each routed so one part of the gateway shows: */
export const DEMO_MODELS = {
  /** served by the steady upstream */
  plain: 'gpt-5-mini',
  /** the flaky upstream first (retries), the steady one as fallback */
  retried: 'gpt-5',
  /** the regional upstream (its outage trips the breaker), the steady one as fallback */
  failover: 'gpt-4.1',
  /** the regional upstream alone: during its outage callers see its 503s, then the open circuit */
  pinned: 'gpt-4.1-mini',
  /** expensive: the batch key's budget runs out on it */
  batch: 'o3',
} as const;

/**
 * The gateway config of the demo, validated by the gateway's own schema like any config. Limits
 * scale with the run's length so a short run still shows them.
 */
export function demoConfig(upstreamUrl: string, port: number, keys: DemoKeys, durationSeconds: number): Config {
  const breaker = { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 4_000, rollingCountTimeoutMs: 10_000 };
  const timeouts = { connectMs: 1_000, firstByteMs: 5_000, idleMs: 5_000, totalMs: 20_000 };
  const upstream = (name: string) => ({ name, baseUrl: `${upstreamUrl}/${name}/v1`, apiKey: 'demo-provider-key', timeouts, breaker });
  return parseConfig({
    server: { host: '127.0.0.1', port, drainTimeoutMs: 2_000 },
    upstreams: [upstream('steady'), upstream('flaky'), upstream('regional')],
    routes: [
      { match: DEMO_MODELS.plain, targets: [{ upstream: 'steady' }] },
      { match: DEMO_MODELS.retried, targets: [{ upstream: 'flaky' }, { upstream: 'steady' }] },
      { match: DEMO_MODELS.failover, targets: [{ upstream: 'regional' }, { upstream: 'steady' }] },
      { match: DEMO_MODELS.pinned, targets: [{ upstream: 'regional' }] },
      { match: DEMO_MODELS.batch, targets: [{ upstream: 'steady' }] },
    ],
    retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 400, budgetRatio: 0.5 },
    keys: [
      { name: 'support-bot', hash: hashKey(keys.support), limits: { concurrency: 4 } },
      // Its looping agent is stopped at the gateway on the fourth identical tool call.
      { name: 'web-app', hash: hashKey(keys.web), runs: { loopDetection: { threshold: 3, action: 'block' } } },
      { name: 'research-agent', hash: hashKey(keys.research), limits: { rpm: Math.min(60, Math.max(5, Math.round(durationSeconds / 2))), tpm: 200_000 } },
      { name: 'nightly-batch', hash: hashKey(keys.batch), limits: { dailyBudgetUsd: 0.05 } },
    ],
    admin: { keyHash: hashKey(keys.admin) },
    limits: { queueTimeoutMs: 5_000 },
    telemetry: { logLevel: 'warn' },
  }, {}, 'breakwater demo');
}
