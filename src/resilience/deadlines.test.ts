import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { classifyThrown } from '../errors/classify.js';
import { AttemptTimeout, Deadline, DeadlineExceeded, IdleTimer, timedChildSignal } from './deadlines.js';

describe('IdleTimer', () => {
  it('fires once after ms without data, at sub-second precision', async () => {
    const started = performance.now();
    let firedAt: number | undefined;
    const timer = new IdleTimer(80, () => (firedAt = performance.now()));
    await sleep(1_000);
    timer.clear();
    expect(firedAt).toBeDefined();
    expect(firedAt! - started).toBeGreaterThanOrEqual(79);
    // undici's timer wheel would take ~1 s; generous for a loaded machine, still below that.
    expect(firedAt! - started).toBeLessThan(900);
  });

  it('does not fire while data keeps arriving', async () => {
    let fired = false;
    const timer = new IdleTimer(300, () => (fired = true));
    for (let i = 0; i < 20; i++) {
      await sleep(10);
      timer.touch();
    }
    timer.clear();
    expect(fired).toBe(false);
  });

  it('does not count time spent waiting on the client', async () => {
    let fired = false;
    const timer = new IdleTimer(60, () => (fired = true));
    timer.pause();
    await sleep(200);
    timer.resume();
    expect(fired).toBe(false);
    await sleep(200);
    timer.clear();
    expect(fired).toBe(true);
  });
});

describe('Deadline and timedChildSignal', () => {
  it('counts down from the request start', async () => {
    const deadline = new Deadline(performance.now() - 50, 60_000);
    expect(deadline.remainingMs()).toBeLessThanOrEqual(60_000 - 50);
    expect(deadline.expired()).toBe(false);
    const past = new Deadline(performance.now() - 200, 100);
    expect(past.expired()).toBe(true);
    expect(past.remainingMs()).toBe(0);
  });

  it('aborts with a reason that classifies as timeout', async () => {
    const { signal } = timedChildSignal(new AbortController().signal, 10, () => new DeadlineExceeded());
    await sleep(50);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DeadlineExceeded);
    expect(classifyThrown(signal.reason)).toBe('timeout');
    expect(classifyThrown(new AttemptTimeout('first_byte', 1))).toBe('timeout');
    expect(classifyThrown(new AttemptTimeout('idle', 1))).toBe('timeout');
  });

  it('follows its parent with the parent\'s reason, and stops following once cleared', () => {
    const parent = new AbortController();
    const child = timedChildSignal(parent.signal, 60_000, () => new DeadlineExceeded());
    const reason = new Error('client went away');
    parent.abort(reason);
    expect(child.signal.aborted).toBe(true);
    expect(child.signal.reason).toBe(reason);

    const otherParent = new AbortController();
    const cleared = timedChildSignal(otherParent.signal, 60_000, () => new DeadlineExceeded());
    cleared.clear();
    otherParent.abort(new Error('late'));
    expect(cleared.signal.aborted).toBe(false);
  });

  it('keeps following its parent after stopTimer, as a streaming body needs', async () => {
    const parent = new AbortController();
    const child = timedChildSignal(parent.signal, 10, () => new DeadlineExceeded());
    child.stopTimer();
    await sleep(40);
    expect(child.signal.aborted).toBe(false);
    parent.abort(new Error('client went away'));
    expect(child.signal.aborted).toBe(true);
  });
});
