import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../observe/logger.js';
import type { WireApi } from '../api/wire-api.js';
import type { ClientDisconnect, KeyLimits, RouteCacheConfig, RoutePolicyConfig, RouteStrategy, RouteTimeouts } from '../config/schema.js';
import type { ErrorClass } from '../errors/classes.js';
import type { Operation, TokenUsage } from '../usage/types.js';
import type { ResponseTap } from './taps.js';

/** Who is calling. `name` is a key name from config, `anonymous` or `admin`; never key material. */
export interface Principal {
  readonly name: string;
  readonly limits: KeyLimits;
  /** The admin key: the gateway's own endpoints and every key's data there; never a model caller. */
  readonly admin: boolean;
}

/** The parts of an understood request body that the gateway uses; everything else is forwarded untouched. */
export interface ParsedRequest {
  readonly json: Record<string, unknown>;
  readonly model: string;
  readonly stream: boolean;
  /** The client itself asked for the stream usage chunk (`stream_options.include_usage`). */
  readonly clientAskedUsage: boolean;
  readonly maxTokens: number | undefined;
  /** Completions generated per request: `n`, or `best_of` when larger (legacy completions); 1 when absent. */
  readonly choices: number;
  readonly temperature: number | undefined;
}

/** One entry of the route plan: an upstream, the model name it is asked for, and the route's timeouts over the upstream's. */
export interface RouteTarget {
  readonly upstream: string;
  readonly model: string;
  readonly timeouts?: RouteTimeouts | undefined;
  /** The route's `onClientDisconnect`, when it sets one (durable calls pick the default otherwise). */
  readonly onClientDisconnect?: ClientDisconnect | undefined;
  /** Share of first choices under `strategy: weighted` (default 1). */
  readonly weight?: number | undefined;
}

/** The route a request matched, compiled once at start: how its target is chosen, its policy and its cache. */
export interface MatchedRoute {
  /** The route's `match` glob (`*` for the one implicit route when none are configured): its name in metrics. */
  readonly label: string;
  readonly strategy: RouteStrategy;
  readonly affinity: 'none' | 'run';
  readonly policy: RoutePolicyConfig | undefined;
  readonly cache: RouteCacheConfig | undefined;
}

/** What a policy did to a request (`breakwater_policy_actions_total{action}`, the access line). */
export type PolicyAction = 'clamped' | 'rejected' | 'defaulted' | 'overridden' | 'model_denied';

/** How the response cache answered: `hit` (replayed), `miss` (asked upstream; `refresh` too) or `bypass`. */
export type CacheResult = 'hit' | 'miss' | 'bypass';

export interface CacheState {
  readonly result: CacheResult;
  /** A hit: what the stored answer cost when it was made. */
  readonly savedUsd: number | undefined;
}

/** `replayed`: a stored answer under the Idempotency-Key; `attached`: the answer of the same call still running; `detached`: a call run after its 202. */
export type DurableMark = 'replayed' | 'attached' | 'detached';

export type StreamOutcome = 'completed' | 'upstream_truncated' | 'idle_timeout' | 'client_cancelled' | 'upstream_error';

/** What the client was answered. Writer: server/reply.ts, the one writer of answers. */
export interface ReplyState {
  /** Status sent to the client (0 until a head was written). */
  status: number;
  /** A head was written: from here on no retry, fallback or gateway reply, only an SSE error event. */
  committed: boolean;
  /** The class of the failure, when the answer failed (before or after the commit point). */
  errorClass: ErrorClass | undefined;
  /** The gateway's own error code, when the gateway made the error. */
  errorCode: string | undefined;
}

/** The upstream side. Writer: the stage that calls the upstream (the attempt unit, passthrough, WebSocket, models). */
export interface UpstreamState {
  /** The upstream that served, or was last tried. */
  name: string | undefined;
  /** Model the upstream was asked for (after a route renamed it). */
  model: string | undefined;
  /** Attempts that sent traffic (a refusal by an open circuit sends none). */
  attempts: number;
  /** ms spent waiting on upstreams: every attempt up to its headers, and the relay of the answer. */
  waitedMs: number;
}

/** How a relayed answer went. Writer: upstream/relay.ts. */
export interface StreamState {
  outcome: StreamOutcome | undefined;
  /** ms from arrival to the first byte of the answer's body sent to the client. */
  firstByteMs: number | undefined;
  /** The client went away while the answer was still read to its end (`onClientDisconnect: finish`). */
  clientLeft: boolean;
}

/** What the answer said about itself. Writer: the usage tap (usage/usage-tap.ts). */
export interface AnswerFacts {
  /** The provider's own usage, when it reported one. */
  usage: TokenUsage | undefined;
  /**
   * The prompt side of an answer that ended before its usage was complete (Anthropic reports input
   * and cache counts at `message_start`): an estimate then counts only the output.
   */
  promptUsage: TokenUsage | undefined;
  model: string | undefined;
  /** `id` of the answer (`chatcmpl-...`, `resp_...`, `msg_...`): what a stored answer is retrieved by. */
  id: string | undefined;
  /** Text delivered, kept only for an estimate when no usage came (bounded). */
  text: string;
  /** Ids of the tool calls the answer made (bounded): a later request answering one belongs to the same run. */
  toolCallIds: readonly string[];
}

/** Time that is neither the gateway's own work nor the upstream's. */
export interface WaitTimes {
  /** ms waiting for a concurrency slot. Writer: limits. */
  queueMs: number;
  /** ms of retry backoff. Writer: forward. */
  backoffMs: number;
}

/** The agent run a request belongs to. Writer: runs stage. */
export interface RunState {
  readonly id: string;
  /** Which rule found the id: header, harness, baggage, prompt_cache_key, previous_response, tool_call or new. */
  readonly source: string;
  /** Consecutive identical tool-call turns at the end of the history, when that is a loop. */
  readonly loop: number | undefined;
}

/** A WebSocket upgrade: the client's socket and the bytes read past its headers. */
export interface Upgrade {
  readonly socket: Duplex;
  readonly head: Buffer;
}

/** Per-request state. Each field names its one writer. */
export interface RequestContext {
  /** Request id (the client's `x-request-id` or a new one). Writer: server. */
  readonly id: string;
  readonly req: IncomingMessage;
  /**
   * Where the answer is written. Writers: server; the detached stage (durable/detached.ts), which
   * answers its client 202 and then swaps in a sink (server/sink-response.ts) that keeps the answer
   * for the call's record. `clientSignal` follows the current one: a sink destroyed (the call
   * cancelled) is a client gone.
   */
  res: ServerResponse;
  /** This request's logger: every line carries `request_id`. Writer: server. */
  readonly log: Logger;
  /** performance.now() at arrival. Writer: server. */
  readonly startedAt: number;
  /** Path below `/v1`, e.g. `/chat/completions`, query excluded (the gateway's own endpoints: the whole path). Writer: server. */
  readonly path: string;
  /** Understood operation; undefined for opaque passthrough. Writer: server. */
  readonly operation: Operation | undefined;
  /** The wire API the request speaks (error envelope, request fields, usage, stream end). Writer: server. */
  readonly api: WireApi;
  /** Route label for metrics: the operation, `models` or `passthrough`. Writer: server. */
  readonly routeLabel: string;
  /** Aborted when the client goes away before the answer is complete. Writer: server. */
  readonly clientSignal: AbortSignal;
  /** Set for a WebSocket upgrade (`res` then writes gateway replies onto its socket). Writer: server. */
  readonly upgrade: Upgrade | undefined;
  /** Writer: auth. */
  principal: Principal;
  /**
   * Raw body, forwarded byte for byte unless a feature must change it. Writer: validate; the policy
   * stage replaces it only when a route policy changes a field; on passthrough, only the
   * allowedModels check reads it (passthrough bodies otherwise stream through unread).
   */
  body: Buffer;
  /** Writer: validate (understood endpoints only); the policy stage re-parses it from a body it rewrote, so it stays true. */
  request: ParsedRequest | undefined;
  /** The route the model matched (understood endpoints only). Writer: route. */
  route: MatchedRoute | undefined;
  /**
   * Ordered targets; later ones are fallbacks. Writer: routing: the route stage lists the route's
   * targets, the balance stage (just before forward) puts the one it chooses first.
   */
  plan: readonly RouteTarget[];
  /** The agent run (understood calls only). Writer: runs stage. */
  run: RunState | undefined;
  /** What route and key policies did to this request, in order. Writer: policy. */
  readonly policyActions: PolicyAction[];
  /** How the response cache answered; undefined when the route has no cache. Writer: cache. */
  cache: CacheState | undefined;
  /** The gateway asks the upstream for a stream's usage the client did not ask for (and hides it again). Writer: usage. */
  askUsage: boolean;
  /**
   * When the client goes away: `cancel` aborts the upstream call; `finish` reads the answer to its
   * end (taps see all of it, usage is the provider's) without the client. Writer: durable calls (default cancel).
   */
  onClientDisconnect: 'cancel' | 'finish';
  /**
   * This answer's usage is not counted here: a background response is counted once, when first seen
   * completed (on this answer or on a later retrieve). Writer: durable/background-responses.ts.
   */
  usageElsewhere: boolean;
  /** How a durable call served this request, for the access line. Writer: the durable stages (idempotency, detached). */
  durable: DurableMark | undefined;
  /** Observers of the committed answer, in order (usage first). Writer: each stage adds its own. */
  readonly taps: ResponseTap[];
  /** Headers the gateway adds to every answer of this request (`x-ratelimit-*`, ...). Writer: each stage its own names. */
  readonly replyHeaders: Record<string, string>;
  readonly waits: WaitTimes;
  readonly upstream: UpstreamState;
  readonly stream: StreamState;
  readonly answer: AnswerFacts;
  readonly reply: ReplyState;
  /**
   * Final usage: the provider's, or estimated when it reported none. Writer: usage stage (through
   * its `priceUsage`, also for a retrieved background response, see durable/background-responses.ts).
   */
  usage: TokenUsage | undefined;
  /** USD cost of this request, once usage is known. Writer: usage stage. */
  costUsd: number | undefined;
}

export type Next = () => Promise<void>;
export type Stage = (ctx: RequestContext, next: Next) => Promise<void>;
