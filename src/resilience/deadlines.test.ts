import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { classifyThrown } from '../errors/classify.js';
import { AttemptTimeout, Deadline, DeadlineExceeded, IdleTimer, deadlineSignal } from './deadlines.js';

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

describe('Deadline and deadlineSignal', () => {
  it('counts down from the request start', async () => {
    const deadline = new Deadline(performance.now() - 50, 60_000);
    expect(deadline.remainingMs()).toBeLessThanOrEqual(60_000 - 50);
    expect(deadline.expired()).toBe(false);
    const past = new Deadline(performance.now() - 200, 100);
    expect(past.expired()).toBe(true);
    expect(past.remainingMs()).toBe(0);
  });

  it('aborts with a reason that classifies as timeout', async () => {
    const { signal } = deadlineSignal(10);
    await sleep(50);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(DeadlineExceeded);
    expect(classifyThrown(signal.reason)).toBe('timeout');
    expect(classifyThrown(new AttemptTimeout('first_byte', 1))).toBe('timeout');
    expect(classifyThrown(new AttemptTimeout('idle', 1))).toBe('timeout');
  });
});
