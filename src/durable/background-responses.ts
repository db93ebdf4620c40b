import type { Logger } from '../observe/logger.js';
import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext, Stage } from '../pipeline/context.js';
import type { Records, StateStore } from '../state/store.js';
import { RESPONSES } from '../tenancy/resources.js';
import type { AnswerReader } from '../upstream/passthrough.js';
import { usageFromJson } from '../usage/extract.js';
import type { PriceTable } from '../usage/pricing.js';
import { priceUsage } from '../usage/usage-stage.js';

/** `/responses/{id}` and anything below it (cancel, input_items), path below /v1. */
const RESPONSE_PATH = /^\/responses\/([^/]+)(\/[^/]+)?$/;
const NOT_IDS = RESPONSES.notIds;
/** A response still being generated: its usage is not known yet. */
const UNFINISHED = new Set(['queued', 'in_progress']);
/** Stored responses live upstream for 30 days; what is kept about them here, as long. */
const KEEP_MS = RESPONSES.ttlMs ?? 30 * 24 * 60 * 60 * 1_000;

export interface BackgroundDeps {
  readonly store: StateStore;
  /** The default upstream's name: a response it created needs no record. */
  readonly defaultUpstream: string;
  /** Each other upstream's passthrough stage, by name. */
  readonly passthroughs: ReadonlyMap<string, Stage>;
  readonly prices: PriceTable;
  readonly recorder: Pick<Recorder, 'unpricedCall'>;
  readonly log: Logger;
}

/**
 * Responses API background mode, and stored responses on several upstreams. A response made by an
 * upstream other than the default is recorded (`id` -> upstream), so its retrieve (also a resumed
 * stream), cancel, delete and input items reach the upstream that has it. A background response is
 * a job: its usage is counted exactly once, across replicas, by whoever first sees it completed (the
 * create answer when it streams to the end, else the first retrieve), through a set-if-absent marker;
 * a create answer that is still queued counts no tokens, estimated or not.
 */
export class BackgroundResponses implements AnswerReader {
  private readonly upstreamOf: Records;
  private readonly counted: Records;

  constructor(private readonly deps: BackgroundDeps) {
    this.upstreamOf = deps.store.records('response-upstream', { maxEntries: 250_000 });
    this.counted = deps.store.records('background-counted', { maxEntries: 250_000 });
  }

  /** On `POST /v1/responses`, inside the usage stage: says before usage settles whether the answer's usage is counted here. */
  createStage() {
    const self = this;
    return async function backgroundCreate(ctx: RequestContext, next: Next): Promise<void> {
      if (ctx.operation !== 'responses' || ctx.request === undefined) return next();
      const { json } = ctx.request;
      const background = json['background'] === true;
      ctx.usageElsewhere = background;
      await next();
      const id = ctx.answer.id;
      if (id === undefined || ctx.reply.status < 200 || ctx.reply.status >= 300) return;
      const upstream = ctx.upstream.name;
      if (upstream !== undefined && upstream !== self.deps.defaultUpstream && json['store'] !== false) await self.remember(ctx, id, upstream);
      // Seen completed on its own create answer (a background stream read to its end): counted here, once.
      if (background && ctx.answer.usage !== undefined && (await self.firstToCount(ctx, id))) ctx.usageElsewhere = false;
    };
  }

  /** On passthrough, after the ownership check: a stored response's calls go to the upstream that made it. */
  retrieveStage() {
    const self = this;
    return async function backgroundRetrieve(ctx: RequestContext, next: Next): Promise<void> {
      const id = responseIdOf(ctx.path);
      if (id === undefined) return next();
      const upstream = await self.upstreamOf.get(id).catch((error: unknown) => {
        ctx.log.warn({ err: error }, 'background responses: could not look up which upstream made a response; asking the default upstream');
        return undefined;
      });
      const target = upstream === undefined ? undefined : self.deps.passthroughs.get(upstream);
      return target === undefined ? next() : target(ctx, next);
    };
  }

  /** A retrieve (`GET /v1/responses/{id}`, whole) is read: it may be the first sight of a background response completed. */
  reads(ctx: RequestContext): boolean {
    return ctx.req.method === 'GET' && RESPONSE_PATH.exec(ctx.path)?.[2] === undefined && responseIdOf(ctx.path) !== undefined && !/[?&]stream=true/.test(ctx.req.url ?? '');
  }

  async rewrite(ctx: RequestContext, status: number, body: Buffer): Promise<Buffer> {
    if (status < 200 || status >= 300) return body;
    const response = parseObject(body);
    if (response === undefined || response['background'] !== true || typeof response['id'] !== 'string') return body;
    if (typeof response['status'] !== 'string' || UNFINISHED.has(response['status'])) return body;
    const usage = usageFromJson('responses', response);
    if (usage === undefined || !(await this.firstToCount(ctx, response['id']))) return body;
    const model = typeof response['model'] === 'string' ? response['model'] : '';
    ctx.upstream.model = model;
    priceUsage(ctx, usage, model, this.deps.prices, this.deps.recorder);
    return body;
  }

  private async remember(ctx: RequestContext, id: string, upstream: string): Promise<void> {
    await this.upstreamOf.set(id, upstream, { ttlMs: KEEP_MS }).catch((error: unknown) => {
      ctx.log.warn({ err: error, upstream }, 'background responses: could not record which upstream made a response; its retrieve goes to the default upstream');
    });
  }

  /** True for exactly one caller per response, across replicas. */
  private async firstToCount(ctx: RequestContext, id: string): Promise<boolean> {
    try {
      return await this.counted.set(id, '1', { ttlMs: KEEP_MS, ifAbsent: true });
    } catch (error) {
      ctx.log.warn({ err: error }, 'background responses: shared state is down; this sight of a completed response is not counted');
      return false;
    }
  }
}

function responseIdOf(path: string): string | undefined {
  const raw = RESPONSE_PATH.exec(path)?.[1];
  if (raw === undefined || NOT_IDS.has(raw)) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
