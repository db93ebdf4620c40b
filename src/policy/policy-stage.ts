import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { refuseModel, type AllowedModels } from './allowed-models.js';
import { applyRoutePolicy } from './route-policy.js';

export interface PolicyDeps {
  readonly allowed: AllowedModels;
  readonly recorder: Pick<Recorder, 'policyApplied'>;
}

/**
 * Key and route policy, after routing (the route carries its policy) and before limits (a refused
 * call costs the key nothing, and a clamped `max_tokens` is what limits reserve). The key's
 * `allowedModels` first, then the route's caps, defaults and overrides. The body is rewritten only
 * when one of those changes it, and the parsed request is read again from the new body, so every
 * stage after this one sees what the upstream will get.
 */
export function policyStage(deps: PolicyDeps) {
  return async function policy(ctx: RequestContext, next: Next): Promise<void> {
    const route = ctx.route!;
    const request = ctx.request!;
    if (!deps.allowed.allows(ctx.principal.name, request.model)) refuseModel(ctx, deps.recorder, route.label, request.model);
    if (route.policy === undefined) return next();
    const outcome = applyRoutePolicy(route.policy, request.json, ctx.api.maxTokensFields(ctx.operation!));
    for (const action of outcome.actions) {
      ctx.policyActions.push(action);
      deps.recorder.policyApplied(route.label, action);
    }
    if (outcome.overLimit !== undefined) {
      const { field, asked } = outcome.overLimit;
      throw new GatewayError('max_tokens_over_limit', `\`${field}\` is ${asked}, over the most this gateway allows for \`${request.model}\` (${route.policy.maxTokens})`, { param: field });
    }
    if (outcome.json !== undefined) {
      ctx.body = Buffer.from(JSON.stringify(outcome.json));
      ctx.request = ctx.api.parseRequest(ctx.operation!, outcome.json);
    }
    await next();
  };
}
