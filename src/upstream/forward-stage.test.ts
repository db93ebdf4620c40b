import { describe, expect, it } from 'vitest';
import { testContext } from '../../test/helpers/context.ts';
import { parseConfig } from '../config/load.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext, RouteTarget } from '../pipeline/context.js';
import { RetryBudget } from '../resilience/retry-budget.js';
import { AttemptFailure } from './attempt-failure.js';
import type { TargetPlan, UpstreamAnswer } from './attempt.js';
import { forwardStage, type ForwardDeps } from './forward-stage.js';
import { SecretScrubber } from './secrets.js';

type Outcome = UpstreamAnswer | AttemptFailure;

/** An attempt unit that plays a script per upstream and records what it was asked. */
function scriptedAttempts(scripts: Record<string, Outcome[]>): { attempts: ForwardDeps['attempts']; tried: string[]; committed: string[] } {
  const tried: string[] = [];
  const committed: string[] = [];
  return {
    tried,
    committed,
    attempts: {
      async try(ctx: RequestContext, plan: TargetPlan) {
        const name = plan.target.upstream;
        tried.push(name);
        ctx.upstream.name = name;
        const next = scripts[name]!.shift() ?? new AttemptFailure('upstream_5xx');
        if (next instanceof AttemptFailure) return next;
        return { status: next.status, commit: async () => void committed.push(name) };
      },
    },
  };
}

const answer = (): UpstreamAnswer => ({ status: 200, commit: async () => undefined });
const failure = (errorClass: ConstructorParameters<typeof AttemptFailure>[0], answerParts: ConstructorParameters<typeof AttemptFailure>[1] = {}): AttemptFailure => new AttemptFailure(errorClass, answerParts);

function setup(scripts: Record<string, Outcome[]>, plan: RouteTarget[], maxAttempts = 3) {
  const config = parseConfig({ upstreams: Object.keys(scripts).map((name) => ({ name, baseUrl: `http://127.0.0.1:9/${name}` })), retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 5 } });
  const upstreams = new Map(config.upstreams.map((u) => [u.name, { name: u.name, config: u }]));
  const script = scriptedAttempts(scripts);
  const events: string[] = [];
  const deps: ForwardDeps = {
    attempts: script.attempts,
    upstreams: { get: (name: string) => upstreams.get(name) as never },
    retryBudgets: new Map(config.upstreams.map((u) => [u.name, new RetryBudget(1)])),
    retry: config.retry,
    recorder: {
      retryScheduled: (_ctx, upstream, reason) => void events.push(`retry ${upstream} ${reason}`),
      fallback: (_ctx, from, to, reason) => void events.push(`fallback ${from}->${to} ${reason}`),
    },
    scrubber: new SecretScrubber(['sk-secret-upstream-key']),
  };
  const ctx = testContext();
  ctx.request = { json: {}, model: 'm', stream: false, clientAskedUsage: false, maxTokens: undefined, choices: 1, temperature: undefined };
  ctx.plan = plan;
  return { stage: forwardStage(deps), ctx, ...script, events };
}

const target = (upstream: string): RouteTarget => ({ upstream, model: 'm' });

describe('the forward stage (the plan walk)', () => {
  it('retries a retryable failure on the same target, then commits the first good answer', async () => {
    const { stage, ctx, tried, committed, events } = setup({ a: [failure('upstream_5xx', { status: 503 }), failure('network'), answer()] }, [target('a')]);
    await stage(ctx, async () => undefined);
    expect(tried).toEqual(['a', 'a', 'a']);
    expect(committed).toEqual(['a']);
    expect(events).toEqual(['retry a upstream_5xx', 'retry a network']);
    expect(ctx.waits.backoffMs).toBeGreaterThanOrEqual(0);
  });

  it('falls back to the next target once retries on one are used up', async () => {
    const { stage, ctx, tried, committed, events } = setup({ a: [failure('upstream_5xx'), failure('upstream_5xx')], b: [answer()] }, [target('a'), target('b')], 2);
    await stage(ctx, async () => undefined);
    expect(tried).toEqual(['a', 'a', 'b']);
    expect(committed).toEqual(['b']);
    expect(events).toEqual(['retry a upstream_5xx', 'fallback a->b upstream_5xx']);
  });

  it('passes a non-retryable upstream answer through once, scrubbed of configured secrets', async () => {
    const body = Buffer.from('{"error":{"message":"Incorrect API key provided: sk-secret-upstream-key","code":"invalid_api_key"}}');
    const { stage, ctx, tried } = setup({ a: [failure('auth', { status: 401, headers: { 'content-type': 'application/json' }, body })], b: [answer()] }, [target('a'), target('b')]);
    await stage(ctx, async () => undefined);
    expect(tried).toEqual(['a']);
    expect(ctx.reply).toMatchObject({ status: 401, committed: true, errorClass: 'auth' });
    expect(ctx.res.statusCode).toBe(401);
    expect(ctx.res.headers['x-breakwater-error']).toBe('auth');
    expect(ctx.res.text).toContain('Incorrect API key provided: [redacted]');
  });

  it('answers with the gateway\'s own error when no upstream answered at all', async () => {
    const { stage, ctx } = setup({ a: [failure('timeout'), failure('timeout'), failure('timeout')] }, [target('a')]);
    const error = await stage(ctx, async () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'timeout', status: 504 });
  });

  it('skips an open circuit to the fallback, and keeps the last real answer when the circuit opens mid-request', async () => {
    const open = setup({ a: [failure('circuit_open')], b: [answer()] }, [target('a'), target('b')]);
    await open.stage(open.ctx, async () => undefined);
    expect(open.committed).toEqual(['b']);
    const midway = setup({ a: [failure('upstream_5xx', { status: 503, headers: {}, body: Buffer.from('{}') }), failure('circuit_open')] }, [target('a')]);
    await midway.stage(midway.ctx, async () => undefined);
    expect(midway.ctx.reply.status).toBe(503);
  });

  it('stops at once when the client has gone', async () => {
    const { stage, ctx, tried } = setup({ a: [failure('client_closed')], b: [answer()] }, [target('a'), target('b')]);
    await expect(stage(ctx, async () => undefined)).rejects.toMatchObject({ code: 'client_closed' });
    expect(tried).toEqual(['a']);
  });
});
