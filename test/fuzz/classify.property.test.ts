import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASS_NAMES } from '../../src/errors/classes.ts';
import { classifyThrown, classifyUpstreamStatus, upstreamErrorCode } from '../../src/errors/classify.ts';

const classes = new Set<string>(ERROR_CLASS_NAMES);

describe('classifier under arbitrary input', () => {
  it('when given any status and error code, then every error status gets exactly one known class', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.option(fc.string(), { nil: undefined }), (status, code) => {
        const result = classifyUpstreamStatus(status, code);
        if (status < 400) expect(result).toBeUndefined();
        else expect(classes.has(result!)).toBe(true);
        if (status >= 500) expect(['upstream_5xx', 'context_length', 'content_filter']).toContain(result);
      }),
      { numRuns: 2_000 },
    );
  });

  it('when given any thrown value, then it gets a known class and never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (thrown) => {
        expect(classes.has(classifyThrown(thrown))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('when an upstream error body is arbitrary bytes, then reading its code never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)), fc.json().map((text) => Buffer.from(text))), (body) => {
        const code = upstreamErrorCode(body);
        expect(code === undefined || typeof code === 'string').toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('when the message text says something alarming, then the class still comes from status and code only', () => {
    fc.assert(
      fc.property(fc.constantFrom('context length exceeded', 'rate limit', 'content filter', 'timeout'), (message) => {
        const body = Buffer.from(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
        expect(classifyUpstreamStatus(400, upstreamErrorCode(body))).toBe('invalid_request');
      }),
    );
  });
});
