import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../observe/logger.js';
import type { WireApi } from '../api/wire-api.js';
import { ANONYMOUS } from '../auth/key-store.js';
import { ClientClosed } from '../errors/client-closed.js';
import type { Operation, TokenUsage } from '../usage/types.js';
import type {
  AnswerFacts, CacheState, DurableMark, MatchedRoute, ParsedRequest, PolicyAction, Principal, ReplyState, RequestContext, RouteTarget, RunState, StreamState, Upgrade, UpstreamState, WaitTimes,
} from './context.js';
import type { ResponseTap } from './taps.js';

const EMPTY = Buffer.alloc(0);

export interface ContextInit {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The gateway's logger; the request's own is a child of it, made on first use. */
  readonly logger: Logger;
  readonly path: string;
  readonly operation: Operation | undefined;
  readonly api: WireApi;
  readonly routeLabel: string;
  readonly upgrade: Upgrade | undefined;
}

/** A request's state as it arrives; a class so every request has the same shape (V8 likes that on the hot path). */
class Context implements RequestContext {
  readonly id: string;
  readonly req: IncomingMessage;
  readonly startedAt = performance.now();
  readonly path: string;
  readonly operation: Operation | undefined;
  readonly api: WireApi;
  readonly routeLabel: string;
  readonly clientSignal: AbortSignal;
  readonly upgrade: Upgrade | undefined;
  principal: Principal = ANONYMOUS;
  body: Buffer = EMPTY;
  request: ParsedRequest | undefined = undefined;
  route: MatchedRoute | undefined = undefined;
  plan: readonly RouteTarget[] = [];
  run: RunState | undefined = undefined;
  readonly policyActions: PolicyAction[] = [];
  cache: CacheState | undefined = undefined;
  askUsage = false;
  onClientDisconnect: 'cancel' | 'finish' = 'cancel';
  usageElsewhere = false;
  durable: DurableMark | undefined = undefined;
  readonly taps: ResponseTap[] = [];
  readonly replyHeaders: Record<string, string> = {};
  readonly waits: WaitTimes = { queueMs: 0, backoffMs: 0 };
  readonly upstream: UpstreamState = { name: undefined, model: undefined, attempts: 0, waitedMs: 0 };
  readonly stream: StreamState = { outcome: undefined, firstByteMs: undefined, clientLeft: false };
  readonly answer: AnswerFacts = { usage: undefined, promptUsage: undefined, model: undefined, id: undefined, text: '', toolCallIds: [] };
  readonly reply: ReplyState = { status: 0, committed: false, errorClass: undefined, errorCode: undefined };
  usage: TokenUsage | undefined = undefined;
  costUsd: number | undefined = undefined;
  readonly #logger: Logger;
  #log: Logger | undefined;
  #res: ServerResponse;
  readonly #client = new AbortController();

  constructor(init: ContextInit) {
    this.id = init.id;
    this.req = init.req;
    this.#res = init.res;
    this.path = init.path;
    this.operation = init.operation;
    this.api = init.api;
    this.routeLabel = init.routeLabel;
    this.upgrade = init.upgrade;
    this.#logger = init.logger;
    this.clientSignal = this.#client.signal;
    // The client is gone when its answer closes unfinished (or, for an upgrade, when its socket closes).
    if (init.upgrade === undefined) this.#watch(init.res);
    else init.upgrade.socket.once('close', () => this.#client.abort(new ClientClosed()));
  }

  get res(): ServerResponse {
    return this.#res;
  }

  /** A detached call's sink replaces the client's answer: it is the one `clientSignal` follows from here. */
  set res(res: ServerResponse) {
    this.#res = res;
    this.#watch(res);
  }

  #watch(res: ServerResponse): void {
    res.once('close', () => {
      if (!res.writableFinished) this.#client.abort(new ClientClosed());
    });
  }

  /** Every line carries `request_id`; made on first use, so a request that logs nothing but its access line pays once. */
  get log(): Logger {
    this.#log ??= this.#logger.child({ request_id: this.id });
    return this.#log;
  }
}

export function createContext(init: ContextInit): RequestContext {
  return new Context(init);
}
