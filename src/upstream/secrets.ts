import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** What a configured secret becomes in anything relayed to a client. */
export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

/**
 * Removes every configured secret (upstream keys, configured upstream header values) from what an
 * upstream sends back before a client sees it. OpenAI's 401 says "Incorrect API key provided:
 * sk-…", and the key it quotes is the one the gateway injected. Used on error answers only (bodies
 * and headers): they are small and already read whole; 2xx bodies stream untouched.
 */
export class SecretScrubber {
  private readonly secrets: readonly string[];

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    return out;
  }

  /** The same buffer when nothing in it is secret. */
  body(body: Buffer): Buffer {
    if (this.secrets.length === 0) return body;
    const text = body.toString('utf8');
    const scrubbed = this.text(text);
    return scrubbed === text ? body : Buffer.from(scrubbed, 'utf8');
  }

  headers<T extends IncomingHttpHeaders | OutgoingHttpHeaders>(headers: T): T {
    if (this.secrets.length === 0) return headers;
    const out: Record<string, unknown> = {};
    for (const name in headers) {
      const value = headers[name];
      out[name] = typeof value === 'string' ? this.text(value) : Array.isArray(value) ? value.map((item: string) => this.text(item)) : value;
    }
    return out as T;
  }
}
