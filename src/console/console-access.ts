import type { IncomingMessage } from 'node:http';
import { presentedKey } from '../auth/auth-stage.js';
import type { KeyStore } from '../auth/key-store.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ConsoleSessions } from './sessions.js';

export const SESSION_COOKIE = 'breakwater_console';

/** Allowed, or why not; `signIn` says a person could sign in on the login form instead. */
export type Access = { readonly allowed: true } | { readonly allowed: false; readonly error: GatewayError; readonly signIn: boolean };

const ALLOWED: Access = Object.freeze({ allowed: true });

/**
 * Who may see the console and its data. A presented key decides alone: the admin key is let in, a
 * gateway key is refused (403), an unknown key is 401. Then a live session cookie. Then, only on a
 * gateway without keys: clients on loopback, or everyone under `console.public`.
 */
export class ConsoleAccess {
  constructor(private readonly keys: KeyStore, private readonly sessions: ConsoleSessions, private readonly isPublic: boolean) {}

  check(req: IncomingMessage): Access {
    const presented = presentedKey(req.headers);
    // Without gateway keys or an admin key, a key is the client's own (for its upstream): it decides nothing here.
    if (presented !== undefined && (this.keys.enabled || this.keys.hasAdmin)) return this.byKey(presented);
    if (this.sessions.valid(sessionToken(req))) return ALLOWED;
    if (!this.keys.enabled) {
      if (this.isPublic || isLoopback(req.socket.remoteAddress)) return ALLOWED;
      return { allowed: false, signIn: this.keys.hasAdmin, error: new GatewayError('console_not_public', 'The console answers clients on this machine only (console.public is false); sign in with the admin key, or use a port-forward or SSH tunnel') };
    }
    if (!this.keys.hasAdmin) return { allowed: false, signIn: false, error: noAdminKey() };
    return { allowed: false, signIn: true, error: new GatewayError('invalid_api_key', 'The console needs the admin key: sign in, or send "Authorization: Bearer <admin key>"') };
  }

  /** The login form's key: the admin key, or why not. */
  byKey(key: string): Access {
    const principal = this.keys.find(key);
    if (principal?.admin === true) return ALLOWED;
    if (principal !== undefined) return { allowed: false, signIn: false, error: new GatewayError('admin_key_required', 'This is a gateway key; the console needs the admin key (admin.keyHash)') };
    if (!this.keys.hasAdmin) return { allowed: false, signIn: false, error: noAdminKey() };
    return { allowed: false, signIn: true, error: new GatewayError('invalid_api_key', 'Incorrect admin key provided.') };
  }
}

function noAdminKey(): GatewayError {
  return new GatewayError('admin_key_required', 'No admin key is configured (admin.keyHash), so nobody can sign in to the console; add one with `breakwater hash-key`');
}

/** The session token from the request's cookies, if any. */
export function sessionToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A peer on this machine (or, in a pod, this pod: `kubectl port-forward` arrives on loopback too). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
