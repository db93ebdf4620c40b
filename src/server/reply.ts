import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext } from '../pipeline/context.js';

/** The one writer of local replies: JSON bodies and the OpenAI error envelope. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answers a request with a gateway error; after the commit point ends the stream with an SSE error event instead. */
export function sendError(ctx: RequestContext, error: GatewayError): void {
  const { res, result } = ctx;
  ctx.gatewayErrorCode = error.code;
  result.errorClass = error.errorClass;
  if (res.headersSent) {
    if (!res.writableEnded && !res.destroyed) {
      res.end(`\n\nevent: error\ndata: ${JSON.stringify(error.toJSON())}\n\n`);
    }
    return;
  }
  result.status = error.status;
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...ctx.rateLimitHeaders, 'x-request-id': ctx.id, 'x-breakwater-error': error.errorClass };
  if (result.upstream !== undefined) headers['x-breakwater-upstream'] = result.upstream;
  headers['x-breakwater-attempts'] = String(result.attempts);
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  if (error.code === 'request_too_large') headers.connection = 'close';
  sendJson(res, error.status, error.toJSON(), headers);
}

/** Any thrown value as a GatewayError; unknown errors become `internal` (and are alerted on). */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal_error', 'internal gateway error', { cause: error });
}

/** A bare OpenAI-shaped error for replies outside the pipeline (health, unknown paths). */
export function sendBareError(res: ServerResponse, error: GatewayError, requestId: string): void {
  sendJson(res, error.status, error.toJSON(), { 'x-request-id': requestId, 'x-breakwater-error': error.errorClass });
}


/**
 * A gateway error written straight to a socket that never reached the HTTP layer (malformed HTTP,
 * a connection over the limit), then closed.
 */
export function sendRawError(socket: Duplex, error: GatewayError): void {
  const body = JSON.stringify(error.toJSON());
  const retryAfter = error.retryAfterSeconds === undefined ? '' : `retry-after: ${Math.max(1, Math.ceil(error.retryAfterSeconds))}\r\n`;
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${retryAfter}x-breakwater-error: ${error.errorClass}\r\nconnection: close\r\n\r\n${body}`);
}
