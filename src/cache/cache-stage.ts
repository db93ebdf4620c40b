import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { CacheResult, Next, RequestContext } from '../pipeline/context.js';
import { replayAnswer } from '../server/reply.js';
import { AnswerRecorder } from './answer-recorder.js';
import { cacheKey } from './cache-key.js';
import type { ResponseCache } from './response-cache.js';

export const CACHE_HEADER = 'x-breakwater-cache';

export interface CacheDeps {
  readonly answers: ResponseCache;
  readonly recorder: Pick<Recorder, 'cacheAnswered'>;
}

/**
 * The exact response cache of routes that turn it on (`routes[].cache`). A hit is replayed without
 * calling `next()`: no upstream, no usage, no cost (limits give its tokens and spend back; it counts
 * as one request). A miss records the answer through a tap and, once it is complete and 2xx, stores
 * it with its cost. Per request, `x-breakwater-cache: bypass` neither reads nor stores, `refresh`
 * does not read but stores (answered `miss`). The cache never fails a call: when its store cannot
 * answer, a lookup is a miss and a store is skipped.
 */
export function cacheStage(deps: CacheDeps) {
  return async function cache(ctx: RequestContext, next: Next): Promise<void> {
    const config = ctx.route?.cache;
    if (config === undefined) return next();
    const mode = modeOf(ctx.req.headers[CACHE_HEADER]);
    if (mode === 'bypass') {
      answered(ctx, deps, 'bypass', undefined);
      return next();
    }
    const key = cacheKey(ctx);
    if (mode === 'lookup') {
      const stored = await deps.answers.get(key).catch((error: unknown) => void ctx.log.debug({ err: error }, 'cache: lookup failed, asking the upstream'));
      if (stored !== undefined) {
        answered(ctx, deps, 'hit', stored);
        replayAnswer(ctx, stored.status, stored.contentType, stored.body);
        return;
      }
    }
    answered(ctx, deps, 'miss', undefined);
    const recording = new AnswerRecorder(config.maxEntryBytes);
    ctx.taps.push(recording);
    await next();
    const answer = recording.answer();
    if (answer === undefined) return;
    const entry = { ...answer, model: ctx.upstream.model ?? ctx.request!.model, costUsd: ctx.costUsd };
    await deps.answers.put(key, entry, config.ttlSeconds * 1_000).catch((error: unknown) => void ctx.log.debug({ err: error }, 'cache: could not store the answer'));
  };
}

function answered(ctx: RequestContext, deps: CacheDeps, result: CacheResult, hit: { readonly model: string; readonly costUsd: number | undefined } | undefined): void {
  ctx.cache = { result, savedUsd: hit?.costUsd };
  ctx.replyHeaders[CACHE_HEADER] = result;
  deps.recorder.cacheAnswered(ctx, result, hit?.model);
}

function modeOf(header: string | string[] | undefined): 'lookup' | 'bypass' | 'refresh' {
  if (header === undefined || header === '') return 'lookup';
  const value = typeof header === 'string' ? header.trim().toLowerCase() : '';
  if (value === 'bypass' || value === 'refresh') return value;
  throw new GatewayError('bad_request', `${CACHE_HEADER} must be "bypass" or "refresh"`);
}
