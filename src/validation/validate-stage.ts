import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import { readBody } from './read-body.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `application/json` and its `+json` kin, any parameters after. */
export const JSON_CONTENT_TYPE = /^application\/([\w.+-]*\+)?json\b/i;

/** Reads the body once (size-limited) and parses only the fields Breakwater uses (the request's API says which); the rest is forwarded untouched. */
export function validateStage(maxBodyBytes: number) {
  return async function validate(ctx: RequestContext, next: Next): Promise<void> {
    const contentType = ctx.req.headers['content-type'];
    if (contentType !== undefined && !JSON_CONTENT_TYPE.test(contentType)) {
      throw new GatewayError('unsupported_media_type', `Content-Type must be application/json, got "${contentType}"`);
    }
    ctx.body = await readBody(ctx.req, maxBodyBytes);
    ctx.request = ctx.api.parseRequest(ctx.operation!, parseJsonObject(ctx.body));
    await next();
  };
}

/** The body as a JSON object, or the 400 that says why it is not one. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
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
  return json as Record<string, unknown>;
}
