import type { Config, KeyConfig, LoopDetection } from '../config/schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { loopLength } from './loop-rule.js';
import { newRunId, runFromRequest, type RunRef } from './run-id.js';
import type { RunLimits, RunReservation } from './run-limits.js';
import type { RunStore } from './run-store.js';

export interface RunStageDeps {
  readonly store: RunStore;
  readonly limits: RunLimits;
  readonly recorder: Pick<Recorder, 'runStarted' | 'agentLoop' | 'rateLimited'>;
  readonly config: Pick<Config, 'runs' | 'keys'>;
}

/**
 * Every understood request belongs to one agent run, with no client change: its id comes from the
 * first rule that applies (run-id.ts, then the answer a request continues: `previous_response_id`,
 * or a tool call it answers), else a new run. The stage stamps the run on the answer, refuses a call
 * over the run's limits or stuck in a loop (when told to block), and after the call adds it to the
 * run's record. The run store failing never fails a call: it is logged and the call goes on.
 */
export function runStage(deps: RunStageDeps) {
  const loopSettings = new Map<string, LoopDetection>(deps.config.keys.map((key: KeyConfig) => [key.name, key.runs.loopDetection ?? deps.config.runs.loopDetection]));
  return async function runs(ctx: RequestContext, next: Next): Promise<void> {
    const request = ctx.request;
    if (request === undefined || ctx.operation === undefined) return next();
    const key = ctx.principal.name;
    const history = ctx.api.toolHistory(ctx.operation, request.json);
    const run = await resolve(ctx, history.answered, deps.store);
    const settings = loopSettings.get(key) ?? deps.config.runs.loopDetection;
    const loop = loopLength(history.turns, settings.threshold);
    ctx.run = { id: run.id, source: run.source, loop };
    ctx.replyHeaders['x-breakwater-run-id'] = run.id;
    ctx.replyHeaders['x-breakwater-run-source'] = run.source;
    let reservation: RunReservation | undefined;
    try {
      if (loop !== undefined) refuseOrWarn(ctx, deps.recorder, settings, loop);
      reservation = await reserve(ctx, deps, run);
      await next();
    } finally {
      await settle(ctx, deps, run, reservation);
    }
  };
}

async function resolve(ctx: RequestContext, answered: readonly string[], store: RunStore): Promise<RunRef> {
  const direct = runFromRequest(ctx.req.headers, ctx.request!.json);
  if (direct !== undefined) return direct;
  const key = ctx.principal.name;
  try {
    const previous = ctx.request!.json['previous_response_id'];
    const byResponse = typeof previous === 'string' ? await store.byResponse(key, previous) : undefined;
    if (byResponse !== undefined) return { id: byResponse, source: 'previous_response' };
    const byToolCall = answered.length === 0 ? undefined : await store.byToolCall(key, answered);
    if (byToolCall !== undefined) return { id: byToolCall, source: 'tool_call' };
  } catch (error) {
    ctx.log.warn({ err: error }, 'runs: the run store could not be read; this call starts a new run');
  }
  return { id: newRunId(), source: 'new' };
}

function refuseOrWarn(ctx: RequestContext, recorder: RunStageDeps['recorder'], settings: LoopDetection, count: number): void {
  recorder.agentLoop(ctx, settings.action, count);
  if (settings.action === 'block') {
    throw new GatewayError('agent_loop_detected', `The conversation ends with the same tool call ${count} turns in a row; this key blocks agent loops (runs.loopDetection)`);
  }
  ctx.replyHeaders['x-breakwater-loop-detected'] = String(count);
}

async function reserve(ctx: RequestContext, deps: RunStageDeps, run: RunRef): Promise<RunReservation | undefined> {
  try {
    return await deps.limits.reserve(ctx, run.id, ctx.principal.limits);
  } catch (error) {
    if (error instanceof GatewayError && error.errorClass === 'budget_exceeded') {
      deps.recorder.rateLimited(ctx.principal.name, error.code === 'run_budget_exceeded' ? 'run_budget' : 'run_calls');
      // No retry helps: the run is over its limit until a new run starts. The SDKs obey this header.
      ctx.replyHeaders['x-should-retry'] = 'false';
    }
    throw error;
  }
}

async function settle(ctx: RequestContext, deps: RunStageDeps, run: RunRef, reservation: RunReservation | undefined): Promise<void> {
  const reachedUpstream = ctx.upstream.attempts > 0;
  try {
    if (reservation !== undefined) await deps.limits.settle(reservation, ctx.costUsd, reachedUpstream);
    const started = await deps.store.record(ctx.principal.name, run, {
      // A cache hit is a call the agent got an answer to, not a refusal; it cost nothing.
      reachedUpstream: reachedUpstream || ctx.cache?.result === 'hit',
      failed: ctx.reply.errorClass !== undefined,
      model: ctx.answer.model ?? ctx.upstream.model ?? ctx.request?.model,
      usage: ctx.usage,
      costUsd: ctx.costUsd,
      loop: ctx.run?.loop !== undefined,
      toolCallIds: ctx.answer.toolCallIds,
      responseId: ctx.operation === 'responses' ? ctx.answer.id : undefined,
    });
    if (started) deps.recorder.runStarted(ctx.principal.name, run.source);
  } catch (error) {
    ctx.log.warn({ err: error, run_id: run.id }, 'runs: this call could not be added to its run');
  }
}
