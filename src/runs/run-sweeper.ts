import type { Recorder } from '../observe/recorder.js';
import type { RunStore } from './run-store.js';

/** How often each replica looks for runs that went idle. */
const SWEEP_EVERY_MS = 15_000;
/** Runs claimed per store round trip; a sweep goes on while batches come back full, for at most SWEEP_BUDGET_MS. */
const BATCH = 500;
const SWEEP_BUDGET_MS = 1_000;

export interface SweepLog {
  warn(fields: object, message: string): void;
}

/**
 * Ends runs that went idle: every replica sweeps, the store lets exactly one claim each run, and that
 * one observes the run's totals (cost, calls, duration), so the run histograms count every run once.
 */
export class RunSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly store: RunStore, private readonly recorder: Pick<Recorder, 'runEnded'>, private readonly log: SweepLog, private readonly everyMs = SWEEP_EVERY_MS) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
  }

  sweep(now = Date.now()): Promise<void> {
    this.sweeping ??= this.claimAll(now)
      .catch((error: unknown) => this.log.warn({ err: error }, 'runs: could not end idle runs; will try again'))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Thousands of one-call runs a second end as fast as they start: batches until one comes back short. */
  private async claimAll(now: number): Promise<void> {
    const started = Date.now();
    for (;;) {
      const ended = await this.store.claimEnded(now, BATCH);
      for (const { key, run } of ended) {
        const totals = run === undefined ? undefined : { calls: run.calls, costUsd: run.costUsd, durationSeconds: (Date.parse(run.lastCallAt) - Date.parse(run.firstCallAt)) / 1000 };
        this.recorder.runEnded(key, totals);
      }
      if (ended.length < BATCH || Date.now() - started > SWEEP_BUDGET_MS) return;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
