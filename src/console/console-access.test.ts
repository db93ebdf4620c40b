import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hashKey, KeyStore } from '../auth/key-store.ts';
import { ConsoleAccess, isLoopback, SESSION_COOKIE } from './console-access.ts';
import { ConsoleSessions } from './sessions.ts';

const ADMIN = 'admin-key-0123456789';
const TEAM = 'team-key-0123456789';

function request(from: string, headers: Record<string, string> = {}): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: from });
  const req = new IncomingMessage(socket);
  req.headers = headers;
  return req;
}

function codeOf(access: ReturnType<ConsoleAccess['check']>): string | undefined {
  return access.allowed ? undefined : access.error.code;
}

describe('who may open the console', () => {
  const withKeys = new KeyStore([{ name: 'team', hash: hashKey(TEAM), limits: {}, runs: {}, passthrough: 'allow' }], hashKey(ADMIN));

  it('when gateway keys exist, then only the admin key or a live session opens it, from anywhere', () => {
    const sessions = new ConsoleSessions(60_000);
    const access = new ConsoleAccess(withKeys, sessions, false);
    expect(access.check(request('203.0.113.9', { authorization: `Bearer ${ADMIN}` })).allowed).toBe(true);
    expect(codeOf(access.check(request('127.0.0.1', { authorization: `Bearer ${TEAM}` })))).toBe('admin_key_required');
    expect(codeOf(access.check(request('127.0.0.1', { 'x-api-key': 'nope' })))).toBe('invalid_api_key');
    // Loopback is no pass when keys exist.
    const anonymous = access.check(request('127.0.0.1'));
    expect(anonymous).toMatchObject({ allowed: false, signIn: true });
    const token = sessions.create();
    expect(access.check(request('203.0.113.9', { cookie: `other=1; ${SESSION_COOKIE}=${token}` })).allowed).toBe(true);
    expect(codeOf(access.check(request('203.0.113.9', { cookie: `${SESSION_COOKIE}=forged` })))).toBe('invalid_api_key');
  });

  it('when gateway keys exist but no admin key, then nobody can open it', () => {
    const access = new ConsoleAccess(new KeyStore([{ name: 'team', hash: hashKey(TEAM), limits: {}, runs: {}, passthrough: 'allow' }]), new ConsoleSessions(60_000), false);
    expect(codeOf(access.check(request('127.0.0.1')))).toBe('admin_key_required');
    expect(codeOf(access.byKey(TEAM))).toBe('admin_key_required');
  });

  it('when there are no gateway keys, then loopback clients are let in and others refused unless console.public', () => {
    const open = new KeyStore([]);
    const local = new ConsoleAccess(open, new ConsoleSessions(60_000), false);
    expect(local.check(request('127.0.0.1')).allowed).toBe(true);
    expect(local.check(request('::1')).allowed).toBe(true);
    expect(local.check(request('::ffff:127.0.0.1')).allowed).toBe(true);
    expect(codeOf(local.check(request('10.0.0.7')))).toBe('console_not_public');
    // A client's own provider key decides nothing on a keyless gateway.
    expect(local.check(request('127.0.0.1', { authorization: 'Bearer sk-their-own' })).allowed).toBe(true);
    expect(new ConsoleAccess(open, new ConsoleSessions(60_000), true).check(request('10.0.0.7')).allowed).toBe(true);
  });

  it('when there are no gateway keys but an admin key, then the admin key opens it from anywhere', () => {
    const access = new ConsoleAccess(new KeyStore([], hashKey(ADMIN)), new ConsoleSessions(60_000), false);
    expect(access.check(request('10.0.0.7', { authorization: `Bearer ${ADMIN}` })).allowed).toBe(true);
    expect(access.check(request('10.0.0.7'))).toMatchObject({ allowed: false, signIn: true });
  });

  it('loopback means 127.0.0.0/8 and ::1 only', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '::ffff:10.0.0.1', '1270.0.0.1', undefined].some((a) => isLoopback(a))).toBe(false);
  });
});
