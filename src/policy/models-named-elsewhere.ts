import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { JSON_CONTENT_TYPE, parseJsonObject } from '../validation/validate-stage.js';
import { readBody } from '../validation/read-body.js';
import { refuseModel, type AllowedModels } from './allowed-models.js';

export interface ModelsElsewhereDeps {
  readonly allowed: AllowedModels;
  readonly recorder: Pick<Recorder, 'policyApplied'>;
  readonly maxBodyBytes: number;
}

/**
 * `keys[].allowedModels` on the calls whose model is not in an understood body: a Realtime
 * WebSocket names it in its `model` query (which it must then name), and a passthrough call with a
 * JSON body in its `model` (or `session.model`, as the Realtime session endpoints do, or each
 * `requests[].params.model` of an Anthropic message batch). Only keys with a list pay for it: their
 * JSON passthrough bodies are read whole (up to the body limit) and then forwarded byte for byte.
 * Bodies that are not JSON (multipart uploads, a WebRTC SDP offer) are not read.
 */
export function modelsElsewhereStage(deps: ModelsElsewhereDeps) {
  // Nothing bounded these models' length (an understood body's is): the refusal quotes 200 characters at most.
  const refuse = (ctx: RequestContext, model: string | undefined): never => refuseModel(ctx, deps.recorder, ctx.routeLabel, model?.slice(0, 200));
  return async function modelsElsewhere(ctx: RequestContext, next: Next): Promise<void> {
    const key = ctx.principal.name;
    if (!deps.allowed.restricts(key)) return next();
    if (ctx.upgrade !== undefined) {
      const model = new URLSearchParams(ctx.req.url?.split('?')[1] ?? '').get('model') ?? undefined;
      if (model === undefined || !deps.allowed.allows(key, model)) refuse(ctx, model);
      return next();
    }
    if (!JSON_CONTENT_TYPE.test(ctx.req.headers['content-type'] ?? '')) return next();
    // The passthrough forwards this body once the request stream has been read here.
    ctx.body = await readBody(ctx.req, deps.maxBodyBytes);
    if (ctx.body.length === 0) return next();
    for (const model of namedModels(parseJsonObject(ctx.body))) if (!deps.allowed.allows(key, model)) refuse(ctx, model);
    await next();
  };
}

function namedModels(json: Record<string, unknown>): string[] {
  const models: string[] = [];
  const take = (holder: unknown): void => {
    const model = typeof holder === 'object' && holder !== null ? (holder as { model?: unknown }).model : undefined;
    if (typeof model === 'string') models.push(model);
  };
  take(json);
  take(json['session']);
  const requests = json['requests'];
  if (Array.isArray(requests)) for (const request of requests) take(typeof request === 'object' && request !== null ? (request as { params?: unknown }).params : undefined);
  return models;
}
