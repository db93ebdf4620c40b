import { describe, expect, it } from 'vitest';
import { ERROR_CLASS_NAMES, ERROR_CLASSES, GATEWAY_ERROR_CODES, type ErrorClass } from './classes.js';
import { classifyThrown, classifyUpstreamStatus, upstreamErrorCode } from './classify.js';
import { ClientClosed } from './client-closed.js';
import { GatewayError } from './gateway-error.js';
import { DeadlineExceeded } from '../resilience/deadlines.js';

function body(error: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ error }));
}

function errno(code: string): Error {
  return Object.assign(new Error('the message text is never read'), { code });
}

describe('classifyUpstreamStatus', () => {
  const table: Array<[number, string | undefined, ErrorClass | undefined]> = [
    [200, undefined, undefined],
    [304, undefined, undefined],
    [400, undefined, 'invalid_request'],
    [404, 'model_not_found', 'invalid_request'],
    [413, undefined, 'invalid_request'],
    [422, undefined, 'invalid_request'],
    [401, 'invalid_api_key', 'auth'],
    [403, undefined, 'auth'],
    [408, undefined, 'timeout'],
    [429, 'rate_limit_exceeded', 'rate_limited'],
    [429, 'insufficient_quota', 'rate_limited'],
    [429, undefined, 'rate_limited'],
    [400, 'context_length_exceeded', 'context_length'],
    [400, 'string_above_max_length', 'context_length'],
    [400, 'content_filter', 'content_filter'],
    [400, 'content_policy_violation', 'content_filter'],
    [400, 'ResponsibleAIPolicyViolation', 'content_filter'],
    [500, undefined, 'upstream_5xx'],
    [502, undefined, 'upstream_5xx'],
    [503, 'service_unavailable', 'upstream_5xx'],
    [504, 'timeout', 'upstream_5xx'],
    // An upstream that says "rate_limit_exceeded" with a 5xx is still failing: the status wins.
    [503, 'rate_limit_exceeded', 'upstream_5xx'],
  ];
  it.each(table)('status %i with code %s is %s', (status, code, expected) => {
    expect(classifyUpstreamStatus(status, code)).toBe(expected);
  });
});

describe('upstreamErrorCode', () => {
  it('reads error.code, then error.type', () => {
    expect(upstreamErrorCode(body({ message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' }))).toBe('context_length_exceeded');
    expect(upstreamErrorCode(body({ message: 'x', type: 'server_error', code: null }))).toBe('server_error');
  });

  it('gives nothing for bodies that are not an OpenAI error', () => {
    expect(upstreamErrorCode(Buffer.alloc(0))).toBeUndefined();
    expect(upstreamErrorCode(Buffer.from('<html>Bad Gateway</html>'))).toBeUndefined();
    expect(upstreamErrorCode(Buffer.from('"oops"'))).toBeUndefined();
    expect(upstreamErrorCode(Buffer.from('{"error":"flat"}'))).toBeUndefined();
    expect(upstreamErrorCode(Buffer.from('{"detail":"x"}'))).toBeUndefined();
  });

  it('never classifies by message text', () => {
    const prose = body({ message: "This model's maximum context length is 8192 tokens (context_length_exceeded)", type: 'invalid_request_error', code: null });
    expect(classifyUpstreamStatus(400, upstreamErrorCode(prose))).toBe('invalid_request');
  });
});

describe('classifyThrown', () => {
  const table: Array<[string, ErrorClass]> = [
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['ECONNRESET', 'network'],
    ['ECONNREFUSED', 'network'],
    ['ENOTFOUND', 'network'],
    ['EAI_AGAIN', 'network'],
    ['EHOSTUNREACH', 'network'],
    ['EPIPE', 'network'],
    ['UND_ERR_SOCKET', 'network'],
    ['UND_ERR_CLOSED', 'network'],
    ['EOPENBREAKER', 'circuit_open'],
    ['UND_ERR_ABORTED', 'client_closed'],
    ['ABORT_ERR', 'client_closed'],
    ['SOMETHING_ELSE', 'internal'],
  ];
  it.each(table)('code %s is %s', (code, expected) => {
    expect(classifyThrown(errno(code))).toBe(expected);
  });

  it('follows the cause chain', () => {
    expect(classifyThrown(new Error('fetch failed', { cause: errno('ECONNREFUSED') }))).toBe('network');
    expect(classifyThrown(new TypeError('wrapped', { cause: new Error('again', { cause: errno('UND_ERR_HEADERS_TIMEOUT') }) }))).toBe('timeout');
  });

  it('knows our own abort reasons by type', () => {
    expect(classifyThrown(new ClientClosed())).toBe('client_closed');
    expect(classifyThrown(new DeadlineExceeded())).toBe('timeout');
    expect(classifyThrown(new GatewayError('circuit_open', 'open'))).toBe('circuit_open');
    expect(classifyThrown(new DOMException('aborted', 'AbortError'))).toBe('client_closed');
  });

  it('calls anything else internal', () => {
    expect(classifyThrown(new Error('ECONNRESET'))).toBe('internal');
    expect(classifyThrown('string')).toBe('internal');
    expect(classifyThrown(undefined)).toBe('internal');
  });
});

describe('the table', () => {
  it('has exactly the classes of the contract', () => {
    expect([...ERROR_CLASS_NAMES].sort()).toEqual([
      'auth', 'budget_exceeded', 'circuit_open', 'client_closed', 'content_filter', 'context_length', 'gateway_rate_limited',
      'internal', 'invalid_request', 'network', 'policy', 'rate_limited', 'timeout', 'unavailable', 'upstream_5xx',
    ]);
  });

  it('uses the statuses the contract gives the gateway', () => {
    expect(ERROR_CLASSES.timeout.status).toBe(504);
    expect(ERROR_CLASSES.circuit_open.status).toBe(503);
    expect(ERROR_CLASSES.network.status).toBe(502);
    expect(ERROR_CLASSES.gateway_rate_limited.status).toBe(429);
    expect(GATEWAY_ERROR_CODES.model_not_found.status).toBe(404);
    expect(GATEWAY_ERROR_CODES.request_too_large.status).toBe(413);
    expect(GATEWAY_ERROR_CODES.invalid_api_key.status).toBe(401);
  });

  it('never retries, or trips the breaker on, what the client caused', () => {
    for (const name of ['invalid_request', 'auth', 'context_length', 'content_filter', 'client_closed', 'gateway_rate_limited', 'budget_exceeded', 'policy'] as const) {
      expect(ERROR_CLASSES[name].retryable, name).toBe(false);
      expect(ERROR_CLASSES[name].tripsBreaker, name).toBe(false);
    }
  });

  it('gives every gateway error code a status of its class family', () => {
    for (const [code, spec] of Object.entries(GATEWAY_ERROR_CODES)) {
      const error = new GatewayError(code as keyof typeof GATEWAY_ERROR_CODES, 'x');
      expect(error.toJSON()).toEqual({ error: { message: 'x', type: ERROR_CLASSES[spec.errorClass].type, code, param: null } });
      expect(error.status).toBe(spec.status);
    }
  });
});
