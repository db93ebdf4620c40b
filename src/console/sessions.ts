import { createHash, randomBytes } from 'node:crypto';

/**
 * Console sign-ins: random tokens held by the browser in an HttpOnly cookie, kept here (as their
 * sha256) in memory with an expiry. Bounded: past `max` live sessions the oldest goes first.
 */
export class ConsoleSessions {
  /** sha256 of the token -> expiry (epoch ms), in creation order. */
  private readonly sessions = new Map<string, number>();

  constructor(private readonly ttlMs: number, private readonly max = 64) {}

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  /** A new session's token. */
  create(now = Date.now()): string {
    this.sweep(now);
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(digest(token), now + this.ttlMs);
    return token;
  }

  valid(token: string | undefined, now = Date.now()): boolean {
    if (token === undefined) return false;
    const expires = this.sessions.get(digest(token));
    if (expires === undefined) return false;
    if (expires > now) return true;
    this.sessions.delete(digest(token));
    return false;
  }

  end(token: string | undefined): void {
    if (token !== undefined) this.sessions.delete(digest(token));
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    for (const [id, expires] of this.sessions) if (expires <= now) this.sessions.delete(id);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
