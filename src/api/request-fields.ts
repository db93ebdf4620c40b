import { GatewayError } from '../errors/gateway-error.js';

/** Longest model name accepted; real ones are well under 100 characters. */
export const MAX_MODEL_CHARS = 256;

/** `model`: a non-empty string of sane length. A model name is a label, a span name and a price lookup: an endless one is refused before it is any of those. */
export function modelOf(json: Record<string, unknown>): string {
  const model = json['model'];
  if (typeof model !== 'string' || model.length === 0) {
    throw new GatewayError('invalid_body', 'you must provide a model parameter (a non-empty string)', { param: 'model' });
  }
  if (model.length > MAX_MODEL_CHARS) throw new GatewayError('invalid_body', `'model' is longer than ${MAX_MODEL_CHARS} characters`, { param: 'model' });
  return model;
}

/** `stream`: absent, null or a boolean. */
export function streamOf(json: Record<string, unknown>): boolean {
  const stream = json['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw new GatewayError('invalid_body', "'stream' must be a boolean", { param: 'stream' });
  }
  return stream === true;
}

/** A finite number, else undefined: a bad value is the upstream's to refuse. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A positive count from the body, else 1. */
export function countOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}
