import { STATUS_CODES, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { OPENAI } from '../api/openai.js';
import type { ErrorClass } from '../errors/classes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { RequestContext } from '../pipeline/context.js';

/*
 * The one writer of answers: every status line and head the client gets passes here, stamped with
 * the request's id and the gateway's headers, and `ctx.reply` (status, commit, error class) is
 * written here and nowhere else. Gateway errors take the envelope of the request's wire API.
 */

/** The gateway's headers on every answer of a request: its id, who served, how many tries, and what the stages added. */
function stamp(ctx: RequestContext, headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  Object.assign(headers, ctx.replyHeaders);
  headers['x-request-id'] = ctx.id;
  if (ctx.upstream.name !== undefined) headers['x-breakwater-upstream'] = ctx.upstream.name;
  headers['x-breakwater-attempts'] = String(ctx.upstream.attempts);
  return headers;
}

/** The head of an upstream answer the client gets: from here on the answer is the client's (the commit point). */
export function commitHead(ctx: RequestContext, status: number, headers: OutgoingHttpHeaders): void {
  ctx.reply.status = status;
  ctx.reply.committed = true;
  if (ctx.res.destroyed) return;
  ctx.res.writeHead(status, stamp(ctx, headers));
}

/** A WebSocket's 101 from the upstream, onto the client's raw socket: the session is the client's from here. */
export function commitUpgrade(ctx: RequestContext, socket: Duplex, head: string): void {
  ctx.reply.status = 101;
  ctx.reply.committed = true;
  socket.write(head);
}

/** A whole answer the gateway makes itself (e.g. /v1/models), stamped like every answer. */
export function answerJson(ctx: RequestContext, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(text);
  commitHead(ctx, status, headers);
  if (!ctx.res.destroyed) ctx.res.end(text);
}

/** A stored answer replayed whole (a repeat under its Idempotency-Key): its status, content type and body, stamped like every answer. */
export function answerStored(ctx: RequestContext, status: number, contentType: string | undefined, body: Buffer): void {
  const headers: OutgoingHttpHeaders = { 'content-length': body.length };
  if (contentType !== undefined) headers['content-type'] = contentType;
  commitHead(ctx, status, headers);
  if (!ctx.res.destroyed) ctx.res.end(body);
}

/**
 * A detached call's 202 to its client. The call goes on without it (its answer goes to a sink), so
 * the reply starts over: the status and commit point from here on are the call's own.
 */
export function answerAccepted(ctx: RequestContext, body: unknown, headers: OutgoingHttpHeaders): void {
  answerJson(ctx, 202, body, headers);
  ctx.reply.status = 0;
  ctx.reply.committed = false;
}

/**
 * A stored answer given again (a cache hit): its status, its content type and its exact bytes, a
 * stream's SSE events as the upstream sent them. Stamped like every answer; no upstream served it.
 */
export function replayAnswer(ctx: RequestContext, status: number, contentType: string, body: string): void {
  commitHead(ctx, status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  if (!ctx.res.destroyed) ctx.res.end(body);
}

/** An upstream's error answer passed on whole (its status, headers and body), classified. */
export function passUpstreamError(ctx: RequestContext, errorClass: ErrorClass, status: number, headers: OutgoingHttpHeaders, body: Buffer): void {
  ctx.reply.errorClass = errorClass;
  headers['content-length'] = String(body.length);
  headers['x-breakwater-error'] = errorClass;
  commitHead(ctx, status, headers);
  if (!ctx.res.destroyed) ctx.res.end(body);
}

/** Answers with a gateway error; after the commit point ends the stream with the API's SSE error event instead. */
export function sendError(ctx: RequestContext, error: GatewayError): void {
  const { res, reply } = ctx;
  reply.errorCode = error.code;
  reply.errorClass = error.errorClass;
  if (reply.committed || res.headersSent) {
    if (!res.writableEnded && !res.destroyed) res.end(ctx.api.streamError(error.errorClass, error.code, error.message));
    return;
  }
  reply.status = error.status;
  if (res.destroyed) return;
  const headers: OutgoingHttpHeaders = { 'x-breakwater-error': error.errorClass };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
  if (error.code === 'request_too_large') headers.connection = 'close';
  sendJson(res, error.status, ctx.api.errorBody(error), stamp(ctx, headers));
}

/**
 * A committed answer failed. A stream the client could take for a clean end gets the API's SSE error
 * event (`tell`); a whole body cut short is dropped (an incomplete body, never a short complete one).
 */
export function failCommitted(ctx: RequestContext, errorClass: ErrorClass, end: { readonly stream: boolean; readonly tell: false } | { readonly stream: true; readonly tell: true; readonly code: string; readonly message: string }): void {
  ctx.reply.errorClass = errorClass;
  const { res } = ctx;
  if (!end.stream) return void res.destroy();
  if (end.tell && !res.destroyed && !res.writableEnded) res.write(ctx.api.streamError(errorClass, end.code, end.message));
  if (!res.destroyed) res.end();
}

/** Records the class of an answer that failed where nothing more can be written (the client left). */
export function recordFailure(ctx: RequestContext, errorClass: ErrorClass): void {
  ctx.reply.errorClass ??= errorClass;
}

/** Any thrown value as a GatewayError; unknown errors become `internal` (and are alerted on). */
export function asGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError('internal_error', 'internal gateway error', { cause: error });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(status, headers);
  res.end(text);
}

/** A gateway error outside any request's pipeline (unknown paths, the admin port): OpenAI's envelope. */
export function sendBareError(res: ServerResponse, error: GatewayError, requestId: string): void {
  sendJson(res, error.status, OPENAI.errorBody(error), { 'x-request-id': requestId, 'x-breakwater-error': error.errorClass });
}

/**
 * A gateway error written straight to a socket that never reached the HTTP layer (malformed HTTP,
 * a connection over the limit), then closed.
 */
export function sendRawError(socket: Duplex, error: GatewayError): void {
  const body = JSON.stringify(OPENAI.errorBody(error));
  const retryAfter = error.retryAfterSeconds === undefined ? '' : `retry-after: ${Math.max(1, Math.ceil(error.retryAfterSeconds))}\r\n`;
  socket.end(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${retryAfter}x-breakwater-error: ${error.errorClass}\r\nconnection: close\r\n\r\n${body}`);
}
