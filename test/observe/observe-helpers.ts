import { request } from 'undici';
import { afterAll } from 'vitest';
import { killStartedGateways, startGateway, type RunningGateway, type StartOptions } from '../helpers/gateway.ts';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../fixtures/otlp-receiver.ts';

/** Secrets the whole observe suite uses, so the redaction test knows what must never appear. */
export const UPSTREAM_KEY = 'sk-upstream-0123456789abcdefSECRET';
export const CLIENT_KEY = 'sk-client-0123456789abcdefSECRET';

/** Prices (USD per 1M tokens) the accounting tests compute their expected costs from. */
export const TEST_PRICES = {
  'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
};

export interface Stack {
  fake: FakeUpstream;
  gw: RunningGateway;
  receiver: OtlpReceiver | undefined;
}

export interface StackOptions {
  /** Start an OTLP receiver and point the gateway's OTEL_* variables at it. */
  tracing?: boolean;
  config?: Record<string, unknown>;
  /** Extra settings of the one upstream (`fake`), e.g. its breaker. */
  upstream?: Record<string, unknown>;
  env?: Record<string, string>;
  gateway?: Omit<StartOptions, 'config' | 'env'>;
}

/** Fake upstream (+ OTLP receiver) + gateway child process; everything is stopped after the file. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const fake = await startFakeUpstream();
  const receiver = options.tracing === true ? await startOtlpReceiver() : undefined;
  const env: Record<string, string> = { ...options.env };
  if (receiver !== undefined) {
    env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
    env.OTEL_BSP_SCHEDULE_DELAY = '50';
  }
  const config = {
    upstreams: [{ name: 'fake', baseUrl: fake.baseUrl, apiKey: UPSTREAM_KEY, ...options.upstream }],
    pricing: { models: TEST_PRICES },
    ...options.config,
  };
  const gw = await startGateway({ ...options.gateway, config, env });
  afterAll(async () => {
    await gw.stop();
    await receiver?.close();
    await fake.close();
    killStartedGateways();
  });
  return { fake, gw, receiver };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** GETs /metrics; `accept` picks the format. */
export async function scrape(gw: RunningGateway, accept?: string): Promise<{ contentType: string; text: string }> {
  const res = await request(`${gw.url}/metrics`, { headers: accept === undefined ? {} : { accept } });
  return { contentType: String(res.headers['content-type']), text: await res.body.text() };
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Samples of a Prometheus or OpenMetrics exposition (exemplars ignored). */
export function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = LINE.exec(line.split(' # ')[0] ?? '');
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name!] = value!;
    out.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return out;
}

/** Sum of the samples named `name` whose labels include `labels`. */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) sum += sample.value;
  }
  return sum;
}

/** Samples in a label-sorted, readable form for toEqual on whole label sets. */
export function labelSets(samples: Sample[], name: string): Array<Record<string, string>> {
  return samples.filter((s) => s.name === name).map((s) => s.labels);
}

export function accessLines(gw: RunningGateway): Array<Record<string, unknown>> {
  return gw.logs().filter((line) => line.msg === 'request');
}
