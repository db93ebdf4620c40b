import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorClass } from '../errors/classes.js';
import type { KeyLimits, RouteTimeouts } from '../config/schema.js';
import type { Operation, TokenUsage } from '../usage/types.js';

/** Who is calling. `name` is a key name from config or `anonymous`; never key material. */
export interface Principal {
  readonly name: string;
  readonly limits: KeyLimits;
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
}

export type StreamOutcome = 'completed' | 'upstream_truncated' | 'idle_timeout' | 'client_cancelled' | 'upstream_error';

/** What happened upstream; written only by the forward stage (upstream/). */
export interface ForwardResult {
  upstream: string | undefined;
  /** Model the answer was asked of (after route rewrite). */
  targetModel: string | undefined;
  attempts: number;
  /** Status sent to the client (0 until headers are written). */
  status: number;
  errorClass: ErrorClass | undefined;
  /** Response headers were sent: no more retries or fallbacks. */
  committed: boolean;
  /** ms from request start to the first response byte sent to the client. */
  firstByteMs: number | undefined;
  /** ms spent waiting on upstreams (all attempts, backoff excluded). */
  upstreamMs: number;
  streamOutcome: StreamOutcome | undefined;
  responseModel: string | undefined;
  /** `id` of the answer (`chatcmpl-...`, `resp_...`), when the relay read one: what a stored answer is retrieved by. */
  responseId: string | undefined;
  usage: TokenUsage | undefined;
  /** Text delivered to the client, kept only when needed for estimation or prompt logging. */
  deliveredText: string;
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
  readonly res: ServerResponse;
  /** performance.now() at arrival. Writer: server. */
  readonly startedAt: number;
  /** Path below `/v1`, e.g. `/chat/completions`, query excluded. Writer: server. */
  readonly path: string;
  /** Understood operation; undefined for opaque passthrough. Writer: server. */
  readonly operation: Operation | undefined;
  /** Aborted when the client goes away before the answer is complete. Writer: server. */
  readonly clientSignal: AbortSignal;
  /** Set for a WebSocket upgrade (`res` then writes gateway replies onto its socket). Writer: server. */
  readonly upgrade: Upgrade | undefined;
  /** Writer: auth. */
  principal: Principal;
  /** Raw body, forwarded byte for byte unless a feature must change it. Writer: validate. */
  body: Buffer;
  /** Writer: validate (understood endpoints only). */
  request: ParsedRequest | undefined;
  /** Ordered targets; later ones are fallbacks. Writer: route. */
  plan: readonly RouteTarget[];
  /** Route label: the operation, or `passthrough`. Writer: server. */
  readonly routeLabel: string;
  /** Writer: forward. */
  readonly result: ForwardResult;
  /** Error the client was answered with, when the gateway made it. Writer: server/reply. */
  gatewayErrorCode: string | undefined;
  /** Final usage: the provider's, or estimated when it reported none. Writer: usage stage. */
  usage: TokenUsage | undefined;
  /** USD cost of this request, once usage is known. Writer: usage stage. */
  costUsd: number | undefined;
  /** W3C traceparent to send upstream, for the current attempt. Writer: observe. */
  traceparent: string | undefined;
  /**
   * The key's own `x-ratelimit-*` headers, set on every answer (they win over the upstream's for the
   * same resource). Absent for keys without rpm/tpm. On a refusal no retry can cure (a request larger
   * than the key's tpm) also `x-should-retry: false`, which the OpenAI SDKs obey. Writer: limits.
   */
  rateLimitHeaders?: Readonly<Record<string, string>>;
}

export type Next = () => Promise<void>;
export type Stage = (ctx: RequestContext, next: Next) => Promise<void>;

export function newForwardResult(): ForwardResult {
  return {
    upstream: undefined,
    targetModel: undefined,
    attempts: 0,
    status: 0,
    errorClass: undefined,
    committed: false,
    firstByteMs: undefined,
    upstreamMs: 0,
    streamOutcome: undefined,
    responseModel: undefined,
    responseId: undefined,
    usage: undefined,
    deliveredText: '',
  };
}
