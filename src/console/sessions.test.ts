import { describe, expect, it } from 'vitest';
import { ConsoleSessions } from './sessions.ts';

describe('console sessions', () => {
  it('when a session outlives its time, then its token no longer signs in', () => {
    const sessions = new ConsoleSessions(60_000);
    const token = sessions.create(1_000);
    expect(sessions.valid(token, 60_999)).toBe(true);
    expect(sessions.valid(token, 61_000)).toBe(false);
    expect(sessions.valid('made-up', 1_000)).toBe(false);
    expect(sessions.valid(undefined, 1_000)).toBe(false);
  });

  it('when people sign in again and again, then at most max sessions are kept and the oldest go first', () => {
    const sessions = new ConsoleSessions(60_000, 5);
    const tokens = Array.from({ length: 50 }, () => sessions.create(1_000));
    expect(sessions.size).toBe(5);
    expect(sessions.valid(tokens[0], 1_000)).toBe(false);
    expect(sessions.valid(tokens[49], 1_000)).toBe(true);
  });

  it('when a session signs out, then its token is forgotten', () => {
    const sessions = new ConsoleSessions(60_000);
    const token = sessions.create();
    sessions.end(token);
    expect(sessions.valid(token)).toBe(false);
    expect(sessions.size).toBe(0);
  });
});
