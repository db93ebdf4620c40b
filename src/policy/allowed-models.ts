import type { KeyConfig } from '../config/schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Recorder } from '../observe/recorder.js';
import type { RequestContext } from '../pipeline/context.js';
import { modelGlob } from '../routing/globs.js';

/**
 * `keys[].allowedModels`: the models each key may call, as globs on the name the client asks for,
 * compiled once at start. A key without the list may call every model and has no entry.
 */
export class AllowedModels {
  private readonly tests = new Map<string, (model: string) => boolean>();

  constructor(keys: readonly KeyConfig[]) {
    for (const key of keys) {
      if (key.allowedModels === undefined) continue;
      const globs = key.allowedModels.map(modelGlob);
      this.tests.set(key.name, (model) => globs.some((matches) => matches(model)));
    }
  }

  /** The key has a list: calls that name a model elsewhere than an understood body are checked too. */
  restricts(keyName: string): boolean {
    return this.tests.has(keyName);
  }

  allows(keyName: string, model: string): boolean {
    return this.tests.get(keyName)?.(model) ?? true;
  }
}

/** A model the key may not call (or, where it must name one, none): the action is counted, then 403 model_not_allowed. */
export function refuseModel(ctx: RequestContext, recorder: Pick<Recorder, 'policyApplied'>, route: string, model: string | undefined): never {
  ctx.policyActions.push('model_denied');
  recorder.policyApplied(route, 'model_denied');
  const message = model === undefined ? 'This key may call only some models, and this call names none' : `This key may not call the model \`${model}\``;
  throw new GatewayError('model_not_allowed', message, { param: 'model' });
}
