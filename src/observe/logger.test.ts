import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createRedactor } from './logger.js';

const UPSTREAM_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';
const AZURE_KEY = '3f9c2a7b1e4d';

function capture(): { lines: () => Array<Record<string, unknown>>; text: () => string; stream: Writable } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text, lines: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger redaction', () => {
  it('redacts credential headers by path, configured secrets and key-shaped strings anywhere, and stays JSON', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', secrets: [UPSTREAM_KEY, AZURE_KEY], destination: out.stream });
    logger.info({ headers: { authorization: 'Bearer abc.def', 'api-key': AZURE_KEY, 'x-api-key': 'anything' } }, 'headers');
    logger.info({ upstreamBody: `{"error":{"message":"Incorrect API key provided: ${UPSTREAM_KEY}"}}` }, 'echo');
    logger.info({ note: `azure said ${AZURE_KEY} and a stranger sent sk-live-zyxwvutsrqponmlk9876` }, 'free text');
    logger.info({ apiKey: 'plain-value', upstream: { apiKey: 'nested-value' } }, 'config');
    const text = out.text();
    for (const leaked of ['abc.def', AZURE_KEY, 'anything', UPSTREAM_KEY, 'zyxwvutsrqponmlk9876', 'plain-value', 'nested-value']) expect(text).not.toContain(leaked);
    const [headers, echo, free, config] = out.lines();
    expect(headers?.headers).toEqual({ authorization: '[REDACTED]', 'api-key': '[REDACTED]', 'x-api-key': '[REDACTED]' });
    expect(echo?.upstreamBody).toBe('{"error":{"message":"Incorrect API key provided: [REDACTED]"}}');
    expect(free?.note).toBe('azure said [REDACTED] and a stranger sent sk-live-zyx[REDACTED]');
    expect(config).toMatchObject({ apiKey: '[REDACTED]', upstream: { apiKey: '[REDACTED]' } });
  });

  it('ignores secrets too short to redact safely', () => {
    expect(createRedactor(['abc'])('abc def')).toBe('abc def');
    expect(createRedactor([])('Authorization: Bearer tok123')).toBe('Authorization: Bearer [REDACTED]');
  });
});
