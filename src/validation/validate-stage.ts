import { GatewayError } from '../errors/gateway-error.js';
import type { Next, ParsedRequest, RequestContext } from '../pipeline/context.js';
import { readBody } from './read-body.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Longest model name accepted; real ones are well under 100 characters. */
export const MAX_MODEL_CHARS = 256;

/** Reads the body once (size-limited) and parses only the fields Breakwater uses; the rest is forwarded untouched. */
export function validateStage(maxBodyBytes: number) {
  return async function validate(ctx: RequestContext, next: Next): Promise<void> {
    const contentType = ctx.req.headers['content-type'];
    if (contentType !== undefined && !/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) {
      throw new GatewayError('unsupported_media_type', `Content-Type must be application/json, got "${contentType}"`);
    }
    ctx.body = await readBody(ctx.req, maxBodyBytes);
    ctx.request = parseRequest(ctx.body);
    await next();
  };
}

export function parseRequest(body: Buffer): ParsedRequest {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new GatewayError('invalid_body', 'request body is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError('invalid_body', 'request body must be a JSON object');
  }
  const fields = json as Record<string, unknown>;
  const { model, stream, stream_options: streamOptions, temperature } = fields;
  if (typeof model !== 'string' || model.length === 0) {
    throw new GatewayError('invalid_body', "you must provide a model parameter (a non-empty string)", { param: 'model' });
  }
  // A model name is a label, a span name and a price lookup: an endless one is refused before it is any of those.
  if (model.length > MAX_MODEL_CHARS) {
    throw new GatewayError('invalid_body', `'model' is longer than ${MAX_MODEL_CHARS} characters`, { param: 'model' });
  }
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    throw new GatewayError('invalid_body', "'stream' must be a boolean", { param: 'stream' });
  }
  const maxTokens = fields.max_completion_tokens ?? fields.max_tokens ?? fields.max_output_tokens;
  // Each of n (or best_of) completions may use max_tokens: limits reserve them all. A bad value is the upstream's to refuse.
  const choices = Math.max(count(fields.n), count(fields.best_of));
  return {
    json: fields,
    model,
    stream: stream === true,
    clientAskedUsage: typeof streamOptions === 'object' && streamOptions !== null && (streamOptions as { include_usage?: unknown }).include_usage === true,
    maxTokens: typeof maxTokens === 'number' && Number.isFinite(maxTokens) ? maxTokens : undefined,
    choices,
    temperature: typeof temperature === 'number' ? temperature : undefined,
  };
}

/** A positive count from the body, else 1. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : 1;
}
