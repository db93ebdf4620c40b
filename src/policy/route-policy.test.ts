import { describe, expect, it } from 'vitest';
import type { RoutePolicyConfig } from '../config/schema.js';
import { applyRoutePolicy } from './route-policy.js';

const FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'];

function policy(parts: Partial<RoutePolicyConfig>): RoutePolicyConfig {
  return { maxTokensAction: 'clamp', defaults: {}, overrides: {}, ...parts };
}

describe('applyRoutePolicy', () => {
  it('when nothing applies, then the body is left alone (no copy, no action)', () => {
    const body = { model: 'm', max_tokens: 100, temperature: 0.2 };
    expect(applyRoutePolicy(policy({ maxTokens: 100, defaults: { temperature: 0 }, overrides: { temperature: 0.2 } }), body, FIELDS)).toEqual({ json: undefined, actions: [] });
  });

  it('when a max-tokens field is over the cap and the action is clamp, then every such field is lowered', () => {
    const out = applyRoutePolicy(policy({ maxTokens: 1000 }), { max_tokens: 5000, max_completion_tokens: 32_000, max_output_tokens: 10 }, FIELDS);
    expect(out.json).toEqual({ max_tokens: 1000, max_completion_tokens: 1000, max_output_tokens: 10 });
    expect(out.actions).toEqual(['clamped']);
  });

  it('when a max-tokens field is over the cap and the action is reject, then it says which and changes nothing', () => {
    expect(applyRoutePolicy(policy({ maxTokens: 1000, maxTokensAction: 'reject' }), { max_completion_tokens: 1001 }, FIELDS)).toEqual({ json: undefined, actions: ['rejected'], overLimit: { field: 'max_completion_tokens', asked: 1001 } });
  });

  it('when the client sent no max-tokens field, then the cap adds none', () => {
    expect(applyRoutePolicy(policy({ maxTokens: 1000 }), { model: 'm' }, FIELDS).json).toBeUndefined();
  });

  it('when defaults name fields the client left out or sent as null, then those are filled and the others kept', () => {
    const out = applyRoutePolicy(policy({ defaults: { temperature: 0, seed: 7, top_p: 1 } }), { temperature: 0.5, seed: null }, FIELDS);
    expect(out.json).toEqual({ temperature: 0.5, seed: 7, top_p: 1 });
    expect(out.actions).toEqual(['defaulted']);
  });

  it('when overrides differ from what the client sent, then they win, deep values included', () => {
    const out = applyRoutePolicy(policy({ overrides: { store: false, metadata: { team: 'a' } } }), { store: true, metadata: { team: 'a' } }, FIELDS);
    expect(out.json).toEqual({ store: false, metadata: { team: 'a' } });
    expect(out.actions).toEqual(['overridden']);
  });

  it('when all three apply, then each action is listed once, in order, and the input is not mutated', () => {
    const body = { max_tokens: 9000, temperature: 1 };
    const out = applyRoutePolicy(policy({ maxTokens: 100, defaults: { seed: 1 }, overrides: { temperature: 0 } }), body, FIELDS);
    expect(out.actions).toEqual(['clamped', 'defaulted', 'overridden']);
    expect(out.json).toEqual({ max_tokens: 100, temperature: 0, seed: 1 });
    expect(body).toEqual({ max_tokens: 9000, temperature: 1 });
  });
});
