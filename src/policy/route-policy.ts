import { isDeepStrictEqual } from 'node:util';
import type { RoutePolicyConfig } from '../config/schema.js';
import type { PolicyAction } from '../pipeline/context.js';

export interface PolicyOutcome {
  /** The body after the policy; undefined when nothing changed, so the client's bytes go on as they came. */
  readonly json: Record<string, unknown> | undefined;
  /** Each action once, in the order applied. */
  readonly actions: readonly PolicyAction[];
  /** `maxTokensAction: reject`: the field the client set over the cap. */
  readonly overLimit?: { readonly field: string; readonly asked: number };
}

/**
 * A route's policy on one body, in this order: `maxTokens` caps the client's own max-tokens fields
 * (clamp or reject), `defaults` fill the fields the client did not send (absent or null), `overrides`
 * set theirs whatever the client sent. The body is copied on the first change only; a value already
 * equal to an override is no change.
 */
export function applyRoutePolicy(policy: RoutePolicyConfig, body: Readonly<Record<string, unknown>>, maxTokensFields: readonly string[]): PolicyOutcome {
  let json: Record<string, unknown> | undefined;
  const actions: PolicyAction[] = [];
  const write = (field: string, value: unknown, action: PolicyAction): void => {
    json ??= { ...body };
    json[field] = value;
    if (!actions.includes(action)) actions.push(action);
  };
  const cap = policy.maxTokens;
  if (cap !== undefined) {
    for (const field of maxTokensFields) {
      const asked = body[field];
      if (typeof asked !== 'number' || asked <= cap) continue;
      if (policy.maxTokensAction === 'reject') return { json: undefined, actions: ['rejected'], overLimit: { field, asked } };
      write(field, cap, 'clamped');
    }
  }
  for (const [field, value] of Object.entries(policy.defaults)) {
    if (body[field] === undefined || body[field] === null) write(field, value, 'defaulted');
  }
  for (const [field, value] of Object.entries(policy.overrides)) {
    if (!isDeepStrictEqual(body[field], value)) write(field, value, 'overridden');
  }
  return { json, actions };
}
