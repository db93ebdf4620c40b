import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'safe-stable-stringify';
import { GatewayError } from '../errors/gateway-error.js';
import type { Logger } from '../observe/logger.js';
import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { answerStored } from '../server/reply.js';
import { StateUnavailable } from '../state/store.js';
import { followRecording } from './follow.js';
import type { DoneEntry, IdempotencyStore } from './idempotency-store.js';
import { AnswerRecording } from './recording-tap.js';

/** 1-255 visible ASCII characters (the IETF httpapi idempotency-key draft leaves the form to the server). */
const KEY_FORM = /^[\x21-\x7e]{1,255}$/;
export const REPLAY_HEADER = 'x-breakwater-idempotent-replay';

export interface IdempotencyDeps {
  readonly store: IdempotencyStore;
  readonly recorder: Pick<Recorder, 'idempotency' | 'idempotencyStored'>;
  readonly log: Logger;
  readonly maxAnswerBytes: number;
  /** How often a repeat checks on a call running on another replica. */
  readonly pollMs: number;
}

/** This replica's one handling of a key at a time: its repeats follow it instead of calling again. */
interface Local {
  readonly fingerprint: string;
  readonly recording: AnswerRecording;
}

/**
 * `Idempotency-Key` on understood POSTs: one call per gateway key and Idempotency-Key. A repeat with
 * the same body gets the stored answer, or follows the call still running (live on this replica,
 * by polling shared state on another); another body under the key is 422. Also sets what happens
 * when the client goes away: the route's choice, else `finish` with a key and `cancel` without.
 * Sits before limits, so a replay or a repeat that follows costs the key nothing.
 */
export function idempotencyStage(deps: IdempotencyDeps) {
  const local = new Map<string, Local>();

  async function run(ctx: RequestContext, next: Next, scope: string, mine: Local): Promise<void> {
    const { store } = deps;
    ctx.taps.push(mine.recording.tap());
    const renewing = setInterval(() => {
      store.renew(scope, mine.fingerprint).catch((error: unknown) => ctx.log.warn({ err: error }, 'idempotency: could not renew the lease of a call under way'));
    }, Math.max(250, store.leaseTtlMs / 3));
    renewing.unref();
    deps.recorder.idempotency('executed');
    try {
      await next();
    } finally {
      clearInterval(renewing);
      mine.recording.fail();
      await keep(ctx, scope, mine);
    }
  }

  /** The answer is kept when it ended complete and 2xx; otherwise the key is freed for the next repeat. */
  async function keep(ctx: RequestContext, scope: string, mine: Local): Promise<void> {
    const { recording } = mine;
    try {
      if (recording.storable) {
        const bytes = await deps.store.complete(scope, mine.fingerprint, { status: recording.status, contentType: recording.contentType, body: recording.body() });
        deps.recorder.idempotencyStored(bytes);
        return;
      }
      if (recording.overflowed) ctx.log.warn({ max_answer_bytes: deps.maxAnswerBytes }, 'idempotency: answer larger than idempotency.maxAnswerBytes is not kept; a repeat runs the call again');
      await deps.store.release(scope);
    } catch (error) {
      ctx.log.warn({ err: error }, 'idempotency: could not keep the outcome of a call in shared state');
    }
  }

  function replay(ctx: RequestContext, entry: DoneEntry, mine: Local, outcome: 'replayed' | 'attached'): void {
    const body = Buffer.from(entry.body, 'utf8');
    mine.recording.fill(entry.status, entry.contentType, body);
    marked(ctx, outcome);
    deps.recorder.idempotency(outcome);
    answerStored(ctx, entry.status, entry.contentType, body);
  }

  /** The answer is another call's: the access line and the client are told so. */
  function marked(ctx: RequestContext, outcome: 'replayed' | 'attached' | undefined): void {
    ctx.durable = outcome;
    if (outcome === undefined) delete ctx.replyHeaders[REPLAY_HEADER];
    else ctx.replyHeaders[REPLAY_HEADER] = 'true';
  }

  /** Waits for a call running on another replica: its answer, or its end without one (undefined). */
  async function waitElsewhere(ctx: RequestContext, scope: string, fingerprint: string): Promise<DoneEntry | undefined> {
    for (;;) {
      await sleep(deps.pollMs, undefined, { signal: ctx.clientSignal });
      const entry = await deps.store.get(scope).catch((error: unknown) => {
        throw stateUnavailable(error);
      });
      if (entry === undefined) return undefined;
      if (entry.fingerprint !== fingerprint) throw reused();
      if (entry.state === 'done') return entry;
    }
  }

  /** This replica's turn at the key: run the call, replay its answer, or wait for another replica's. True when answered. */
  async function serve(ctx: RequestContext, next: Next, scope: string, mine: Local): Promise<boolean> {
    let held;
    try {
      held = await deps.store.claim(scope, mine.fingerprint);
    } catch (error) {
      if (!(error instanceof StateUnavailable) || !deps.store.failOpen) throw stateUnavailable(error);
      ctx.log.warn({ err: error }, 'idempotency: shared state is down; the call runs without its Idempotency-Key check (failOpen)');
      deps.recorder.idempotency('unchecked');
      await next();
      return true;
    }
    if (held === 'claimed') {
      await run(ctx, next, scope, mine);
      return true;
    }
    if (held === undefined) return false;
    if (held.fingerprint !== mine.fingerprint) throw reused();
    if (held.state === 'done') {
      replay(ctx, held, mine, 'replayed');
      return true;
    }
    const done = await waitElsewhere(ctx, scope, mine.fingerprint);
    if (done === undefined) return false;
    replay(ctx, done, mine, 'attached');
    return true;
  }

  /** Serves the key until answered: follow this replica's call, or take a turn at the key. */
  async function serveKey(ctx: RequestContext, next: Next, scope: string, fingerprint: string): Promise<void> {
    for (;;) {
      const other = local.get(scope);
      if (other !== undefined) {
        if (other.fingerprint !== fingerprint) throw reused();
        marked(ctx, 'attached');
        if (await followRecording(ctx, other.recording)) {
          deps.recorder.idempotency('attached');
          return;
        }
        // The call it followed failed before answering: this repeat runs it (failures are not replayed).
        marked(ctx, undefined);
        continue;
      }
      const mine: Local = { fingerprint, recording: new AnswerRecording(deps.maxAnswerBytes) };
      local.set(scope, mine);
      try {
        if (await serve(ctx, next, scope, mine)) return;
      } finally {
        mine.recording.fail();
        if (local.get(scope) === mine) local.delete(scope);
      }
    }
  }

  return async function idempotency(ctx: RequestContext, next: Next): Promise<void> {
    const given = ctx.req.headers['idempotency-key'];
    const routeChoice = ctx.plan[0]?.onClientDisconnect;
    if (given === undefined) {
      ctx.onClientDisconnect = routeChoice ?? 'cancel';
      return next();
    }
    if (typeof given !== 'string' || !KEY_FORM.test(given)) {
      throw new GatewayError('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters', { param: 'Idempotency-Key' });
    }
    ctx.onClientDisconnect = routeChoice ?? 'finish';
    try {
      await serveKey(ctx, next, `${ctx.principal.name}:${sha256(given)}`, fingerprintOf(ctx));
    } catch (error) {
      if (error instanceof GatewayError && error.code === 'idempotency_key_reused') deps.recorder.idempotency('conflict');
      throw error;
    }
  };
}

/** The same request, whatever its key order and white space: method, path and the body as canonical JSON. */
function fingerprintOf(ctx: RequestContext): string {
  return sha256(`${ctx.req.method ?? 'POST'} ${ctx.path}\n${stringify(ctx.request?.json ?? {}) ?? ''}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function reused(): GatewayError {
  return new GatewayError('idempotency_key_reused', 'This Idempotency-Key was already used with a different request body; use a new key for a new request', { param: 'Idempotency-Key' });
}

function stateUnavailable(cause: unknown): GatewayError {
  return new GatewayError('state_unavailable', 'Idempotency state is unavailable; try again shortly', { retryAfterSeconds: 1, cause });
}
