import type { Recorder } from '../observe/recorder.js';
import type { RunStore } from './run-store.js';

/** How often each replica looks for runs that went idle. */
const SWEEP_EVERY_MS = 15_000;

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
    this.sweeping ??= this.store
      .claimEnded(now)
      .then((ended) => {
        for (const run of ended) {
          const durationSeconds = (Date.parse(run.lastCallAt) - Date.parse(run.firstCallAt)) / 1000;
          this.recorder.runEnded(run.key, { calls: run.calls, costUsd: run.costUsd, durationSeconds });
        }
      })
      .catch((error: unknown) => this.log.warn({ err: error }, 'runs: could not end idle runs; will try again'))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
