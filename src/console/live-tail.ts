import { performance } from 'node:perf_hooks';
import type { ErrorClass } from '../errors/classes.js';
import type { RequestContext } from '../pipeline/context.js';
import { TrafficWindow } from './traffic-window.js';

/** One finished request as the console shows it: names and numbers, never prompt text or key material. */
export interface RequestRow {
  /** Increases by one per request: a stream sends the rows newer than the last one it sent. */
  seq: number;
  /** Epoch ms the request ended. */
  at: number;
  requestId: string;
  /** Key name from config, `anonymous` or `admin`. */
  key: string;
  /** The model the client asked for (cut to MAX_NAME_CHARS), or '' when the request had none. */
  model: string;
  /** `chat`, `responses`, `passthrough`, `models`... */
  route: string;
  upstream: string;
  status: number;
  errorClass: ErrorClass | undefined;
  stream: boolean;
  attempts: number;
  latencyMs: number;
  ttftMs: number | undefined;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | undefined;
  runId: string | undefined;
}

/** Spend and tokens of one model or one key since the gateway started. */
export interface UsageTotals {
  readonly name: string;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface LiveTailOptions {
  /** Last requests kept for the table (default 200). */
  readonly rows?: number;
  /** Distinct models (and keys) totalled by name; more fold into `other` (default 50). */
  readonly maxNames?: number;
}

const MAX_NAME_CHARS = 80;
const OTHER = 'other';
/** The run header the runs feature puts on every answer; read here so the console needs no other hook. */
const RUN_HEADER = 'x-breakwater-run-id';

/**
 * What the console knows, all in memory and bounded: the last requests (a ring of preallocated
 * rows, overwritten in place), per-second traffic for five minutes, and totals by model and by key
 * (a bounded number of names). Fed once per request, at its real end, by the recorder.
 */
export class LiveTail {
  readonly window = new TrafficWindow();
  readonly startedAt = Date.now();
  private readonly ring: RequestRow[];
  private seq = 0;
  private readonly models = new Map<string, UsageTotals>();
  private readonly keys = new Map<string, UsageTotals>();
  private readonly maxNames: number;

  constructor(options: LiveTailOptions = {}) {
    this.ring = Array.from({ length: options.rows ?? 200 }, () => emptyRow());
    this.maxNames = options.maxNames ?? 50;
  }

  /** The recorder calls this once per request, at its real end (after the stream). */
  requestFinished(ctx: RequestContext): void {
    const at = Date.now();
    const latencyMs = performance.now() - ctx.startedAt;
    const { request, usage, reply, upstream } = ctx;
    this.seq += 1;
    const row = this.ring[this.seq % this.ring.length]!;
    row.seq = this.seq;
    row.at = at;
    row.requestId = ctx.id;
    row.key = ctx.principal.name;
    row.model = request === undefined ? '' : request.model.slice(0, MAX_NAME_CHARS);
    row.route = ctx.routeLabel;
    row.upstream = upstream.name ?? '';
    row.status = reply.status;
    row.errorClass = reply.errorClass;
    row.stream = request?.stream ?? false;
    row.attempts = upstream.attempts;
    row.latencyMs = latencyMs;
    row.ttftMs = ctx.stream.firstByteMs;
    row.inputTokens = usage === undefined ? 0 : usage.input + usage.cachedInput + usage.cacheWrite;
    row.outputTokens = usage === undefined ? 0 : usage.output + usage.reasoning;
    row.costUsd = ctx.costUsd;
    row.runId = ctx.replyHeaders[RUN_HEADER]?.slice(0, MAX_NAME_CHARS);
    this.window.record(at, reply.errorClass, latencyMs, request === undefined ? undefined : ctx.stream.firstByteMs);
    const modelName = request === undefined ? undefined : (upstream.model ?? request.model);
    if (modelName !== undefined) this.add(this.models, modelName, row);
    this.add(this.keys, row.key, row);
  }

  /** Sequence number of the newest row (0 before the first request). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Copies of the rows newer than `afterSeq`, newest first, at most `limit`. */
  rowsAfter(afterSeq: number, limit: number): RequestRow[] {
    const out: RequestRow[] = [];
    const oldest = Math.max(afterSeq + 1, this.seq - this.ring.length + 1, 1);
    for (let seq = this.seq; seq >= oldest && out.length < limit; seq -= 1) out.push({ ...this.ring[seq % this.ring.length]! });
    return out;
  }

  byModel(): UsageTotals[] {
    return [...this.models.values()];
  }

  byKey(): UsageTotals[] {
    return [...this.keys.values()];
  }

  private add(totals: Map<string, UsageTotals>, name: string, row: RequestRow): void {
    const cut = name.slice(0, MAX_NAME_CHARS);
    const label = totals.has(cut) || totals.size < this.maxNames ? cut : OTHER;
    let entry = totals.get(label);
    if (entry === undefined) {
      entry = { name: label, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      totals.set(label, entry);
    }
    entry.requests += 1;
    if (row.errorClass !== undefined) entry.errors += 1;
    entry.inputTokens += row.inputTokens;
    entry.outputTokens += row.outputTokens;
    entry.costUsd += row.costUsd ?? 0;
  }
}

function emptyRow(): RequestRow {
  return { seq: 0, at: 0, requestId: '', key: '', model: '', route: '', upstream: '', status: 0, errorClass: undefined, stream: false, attempts: 0, latencyMs: 0, ttftMs: undefined, inputTokens: 0, outputTokens: 0, costUsd: undefined, runId: undefined };
}
