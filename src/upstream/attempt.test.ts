import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { testContext } from '../../test/helpers/context.ts';
import { parseConfig } from '../config/load.js';
import type { AttemptHandle, Recorder } from '../observe/recorder.js';
import { Breakers } from '../resilience/breakers.js';
import { Deadline } from '../resilience/deadlines.js';
import { AttemptFailure } from './attempt-failure.js';
import { AttemptUnit, type TargetPlan } from './attempt.js';
import type { Upstream, UpstreamRegistry, UpstreamRequest, UpstreamResponse } from './pools.js';
import { UpstreamLoad } from './upstream-load.js';

interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string[];
}

/** An upstream registry whose `send` plays answers in order and records the requests. */
function fakeRegistry(answers: FakeAnswer[]): { registry: UpstreamRegistry; sent: UpstreamRequest[] } {
  const sent: UpstreamRequest[] = [];
  const registry = {
    send: async (_upstream: Upstream, request: UpstreamRequest): Promise<UpstreamResponse> => {
      sent.push(request);
      const next = answers.shift()!;
      return { statusCode: next.status, headers: next.headers ?? { 'content-type': 'application/json' }, body: Readable.from((next.body ?? ['{}']).map((s) => Buffer.from(s))) } as unknown as UpstreamResponse;
    },
  } as unknown as UpstreamRegistry;
  return { registry, sent };
}

function fakeRecorder(): { recorder: Recorder; calls: string[] } {
  const calls: string[] = [];
  const recorder = {
    attemptStarted: (_ctx: unknown, upstream: string, number: number): AttemptHandle => {
      calls.push(`start ${upstream} #${number}`);
      return { upstream, number, startedAt: 0, traceparent: undefined };
    },
    attemptFinished: (_ctx: unknown, handle: AttemptHandle, outcome: string) => void calls.push(`finish #${handle.number} ${outcome}`),
    circuitChangedDuring: (_handle: AttemptHandle, state: string) => void calls.push(`circuit ${state}`),
    upstreamRateLimitRemaining: () => undefined,
  } as unknown as Recorder;
  return { recorder, calls };
}

function setup(answers: FakeAnswer[], breaker: Record<string, number> = { volumeThreshold: 1_000 }) {
  const config = parseConfig({ upstreams: [{ name: 'a', baseUrl: 'http://127.0.0.1:9/v1', breaker }] });
  const breakers = new Breakers(config.upstreams, () => undefined);
  const { registry, sent } = fakeRegistry(answers);
  const { recorder, calls } = fakeRecorder();
  const unit = new AttemptUnit({ upstreams: registry, breakers, recorder, load: new UpstreamLoad(), gatewayKeys: false, maxSseEventBytes: 1024 * 1024 });
  const ctx = testContext();
  ctx.request = { json: {}, model: 'm', stream: false, clientAskedUsage: false, maxTokens: undefined, choices: 1, temperature: undefined };
  const plan: TargetPlan = { target: { upstream: 'a', model: 'm' }, upstream: { name: 'a', config: config.upstreams[0]! } as Upstream, body: Buffer.from('{}'), firstByteMs: undefined, idleMs: 30_000 };
  const deadline = new Deadline(ctx.startedAt, 60_000);
  return { unit, ctx, plan, deadline, sent, calls, breakers };
}

describe('the attempt unit', () => {
  it('when the upstream answers 200, then commit writes the head (stamped) and the body, and the attempt ends as success', async () => {
    const { unit, ctx, plan, deadline, calls } = setup([{ status: 200, body: ['{"id":"chatcmpl-1",', '"usage":null}'] }]);
    const answer = await unit.try(ctx, plan, deadline, new AbortController().signal);
    expect(answer).not.toBeInstanceOf(AttemptFailure);
    if (answer instanceof AttemptFailure) return;
    expect(ctx.reply.committed).toBe(false);
    await answer.commit();
    expect(ctx.reply).toMatchObject({ status: 200, committed: true });
    expect(ctx.res.headers).toMatchObject({ 'x-request-id': 'req-test', 'x-breakwater-upstream': 'a', 'x-breakwater-attempts': '1' });
    expect(ctx.res.text).toBe('{"id":"chatcmpl-1","usage":null}');
    expect(calls).toEqual(['start a #1', 'finish #1 success']);
    expect(ctx.upstream).toMatchObject({ name: 'a', attempts: 1 });
  });

  it('when the upstream answers 503, then the failure carries its class, status and body, and nothing is committed', async () => {
    const { unit, ctx, plan, deadline, calls } = setup([{ status: 503, body: ['{"error":{"code":"overloaded"}}'] }]);
    const failure = await unit.try(ctx, plan, deadline, new AbortController().signal);
    expect(failure).toBeInstanceOf(AttemptFailure);
    expect(failure).toMatchObject({ errorClass: 'upstream_5xx', status: 503 });
    expect((failure as AttemptFailure).body?.toString()).toBe('{"error":{"code":"overloaded"}}');
    expect(ctx.reply.committed).toBe(false);
    expect(calls).toEqual(['start a #1', 'finish #1 upstream_5xx']);
  });

  it('when its failure opens the circuit, then the attempt records the change; the next try sends nothing and is not counted', async () => {
    const { unit, ctx, plan, deadline, calls, sent } = setup([{ status: 500 }], { volumeThreshold: 1, errorThresholdPercentage: 1, resetTimeoutMs: 60_000 });
    await unit.try(ctx, plan, deadline, new AbortController().signal);
    const refused = await unit.try(ctx, plan, deadline, new AbortController().signal);
    expect(refused).toMatchObject({ errorClass: 'circuit_open' });
    expect(sent).toHaveLength(1);
    expect(ctx.upstream.attempts).toBe(1);
    expect(calls).toEqual(['start a #1', 'circuit open', 'finish #1 upstream_5xx']);
  });

  it('when the client sends a gateway key, then it never goes upstream: the upstream gets its own', async () => {
    const { ctx, plan, deadline, sent, breakers } = setup([{ status: 200 }]);
    ctx.req.headers.authorization = 'Bearer bw-gateway-key';
    const unit = new AttemptUnit({ upstreams: fakeRegistryFor(sent), breakers, recorder: fakeRecorder().recorder, load: new UpstreamLoad(), gatewayKeys: true, maxSseEventBytes: 1024 });
    const upstream = { ...plan.upstream, credential: { header: 'authorization', value: 'Bearer sk-up' } } as Upstream;
    await unit.try(ctx, { ...plan, upstream }, deadline, new AbortController().signal);
    expect(sent.at(-1)!.headers.authorization).toBe('Bearer sk-up');
  });
});

function fakeRegistryFor(sent: UpstreamRequest[]): UpstreamRegistry {
  return {
    send: async (_upstream: Upstream, request: UpstreamRequest) => {
      sent.push(request);
      return { statusCode: 200, headers: {}, body: Readable.from([Buffer.from('{}')]) } as unknown as UpstreamResponse;
    },
  } as unknown as UpstreamRegistry;
}
