import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { codeForClass } from '../errors/classes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { Next, Principal, RequestContext } from '../pipeline/context.js';
import { answerAccepted, asGatewayError } from '../server/reply.js';
import { SinkResponse } from '../server/sink-response.js';
import type { CallEnd, CallView, DetachedStore } from './detached-store.js';

/** RFC 7240 `Prefer: respond-async`, among other preferences. */
const RESPOND_ASYNC = /(^|[,;\s])respond-async\s*(?=$|[,;])/i;

export interface DetachedLog {
  warn(fields: object, message: string): void;
}

/**
 * Detached calls (`Prefer: respond-async`): the client gets 202 with the call's id and `Location`;
 * the call then runs through the rest of the stages like any call (usage, routing, retries), its
 * answer going to a sink instead of the client, and ends in shared state for
 * `GET /breakwater/calls/{id}`. A lease renewed while it runs tells every replica it is alive; a
 * replica that dies leaves a lease that runs out, and the call is then reported `call_lost`.
 */
export class DetachedCalls {
  /** Calls running on this replica, to cancel at once. */
  private readonly running = new Map<string, SinkResponse>();

  constructor(
    private readonly store: DetachedStore,
    private readonly recorder: Pick<Recorder, 'detachedCall' | 'detachedRunning'>,
    private readonly settings: Config['detached'],
    private readonly log: DetachedLog,
  ) {}

  stage() {
    const start = this.start.bind(this);
    return async function detached(ctx: RequestContext, next: Next): Promise<void> {
      const prefer = ctx.req.headers.prefer;
      if (prefer === undefined || !RESPOND_ASYNC.test(String(prefer))) return next();
      if (ctx.request?.stream === true) {
        throw new GatewayError('detached_stream_unsupported', '`stream: true` cannot be combined with `Prefer: respond-async`; a detached call keeps its whole answer at /breakwater/calls/{id}', { param: 'stream' });
      }
      await start(ctx, next);
    };
  }

  /** The call as its maker (or the admin key) sees it; undefined for anyone else, or when unknown. */
  async view(id: string, principal: Principal): Promise<CallView | undefined> {
    const meta = await this.guarded(() => this.store.meta(id));
    if (meta === undefined || (meta.key !== principal.name && !principal.admin)) return undefined;
    const { view, lost } = await this.guarded(() => this.store.view(id, meta));
    if (lost) this.recorder.detachedCall('lost');
    return view;
  }

  /** Cancels a call that has not ended (an ended one stays as it ended); undefined when not visible. */
  async cancel(id: string, principal: Principal): Promise<CallView | undefined> {
    const before = await this.view(id, principal);
    if (before === undefined || (before.status !== 'queued' && before.status !== 'running')) return before;
    const won = await this.guarded(() => this.store.finish(id, { status: 'cancelled', completedAt: Date.now() }));
    if (won) this.recorder.detachedCall('cancelled');
    const sink = this.running.get(id);
    if (sink !== undefined) sink.destroy();
    else await this.guarded(() => this.store.requestCancel(id));
    return this.view(id, principal);
  }

  private async start(ctx: RequestContext, next: Next): Promise<void> {
    const id = `call_${randomBytes(16).toString('hex')}`;
    const lostError = errorObject(ctx, new GatewayError('call_lost', 'The gateway replica running this call stopped before the call ended; it did not finish'));
    await this.guarded(() => this.store.create(id, { key: ctx.principal.name, createdAt: Date.now(), model: ctx.request?.model ?? '', lostError }));
    this.recorder.detachedCall('accepted');
    ctx.durable = 'detached';
    // Its client is gone after the 202; only a cancel (the sink destroyed) ends the call early.
    ctx.onClientDisconnect = 'cancel';
    answerAccepted(ctx, { id, object: 'breakwater.call', status: 'queued' }, { location: `/breakwater/calls/${id}`, 'preference-applied': 'respond-async' });
    const sink = new SinkResponse(this.settings.maxAnswerBytes);
    ctx.res = sink.asResponse();
    this.running.set(id, sink);
    this.recorder.detachedRunning(1);
    const beat = (): void => {
      this.store.heartbeat(id, 'running').then((cancelled) => {
        if (cancelled) sink.destroy();
      }, (error: unknown) => this.log.warn({ request_id: ctx.id, call_id: id, err: error }, 'detached: could not renew the lease of a running call'));
    };
    beat();
    const heartbeat = setInterval(beat, Math.max(250, this.store.leaseTtlMs / 3));
    heartbeat.unref();
    let thrown: unknown;
    try {
      await next();
    } catch (error) {
      thrown = error;
      throw error;
    } finally {
      clearInterval(heartbeat);
      this.running.delete(id);
      this.recorder.detachedRunning(-1);
      await this.end(ctx, id, endOf(ctx, sink, thrown));
    }
  }

  private async end(ctx: RequestContext, id: string, end: CallEnd): Promise<void> {
    try {
      if (await this.store.finish(id, end)) this.recorder.detachedCall(end.status);
    } catch (error) {
      this.log.warn({ request_id: ctx.id, call_id: id, err: error }, 'detached: could not record the end of a call; it will be reported call_lost');
    }
  }

  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new GatewayError('state_unavailable', 'Detached call state is unavailable; try again shortly', { retryAfterSeconds: 1, cause: error });
    }
  }
}

/** How the call ended, from what reached its sink (or the error no answer was written for). */
function endOf(ctx: RequestContext, sink: SinkResponse, thrown: unknown): CallEnd {
  const completedAt = Date.now();
  const failed = (error: GatewayError): CallEnd => ({ status: 'failed', completedAt, error: errorObject(ctx, error) });
  if (ctx.reply.errorClass === 'client_closed' || (thrown !== undefined && asGatewayError(thrown).errorClass === 'client_closed')) return { status: 'cancelled', completedAt };
  if (thrown !== undefined) return failed(asGatewayError(thrown));
  if (sink.overflowed) return failed(new GatewayError('upstream_error', 'The answer was larger than detached.maxAnswerBytes and was not kept'));
  const body = parseJson(sink.body());
  const status = sink.statusCode;
  if (status >= 400) return { status: 'failed', completedAt, error: isObject(body) && isObject(body['error']) ? body['error'] : body };
  if (status < 200 || status >= 300 || ctx.reply.errorClass !== undefined || body === undefined) {
    const errorClass = ctx.reply.errorClass ?? 'upstream_5xx';
    return failed(new GatewayError(codeForClass(errorClass), 'The upstream answer ended before it was complete'));
  }
  return { status: 'succeeded', completedAt, response: body };
}

/** The error object of the request's own API envelope (`{"error": {...}}` in OpenAI's and Anthropic's). */
function errorObject(ctx: RequestContext, error: GatewayError): unknown {
  const body = ctx.api.errorBody(error);
  return isObject(body) && isObject(body['error']) ? body['error'] : body;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
