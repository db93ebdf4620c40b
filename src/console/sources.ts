import type { KeyLimitUsage } from '../limits/create-limits.js';
import type { CircuitState } from '../resilience/breakers.js';

/** An agent run in progress, as the console lists it (from the run store, src/runs/run-store.ts). */
export interface ActiveRun {
  readonly id: string;
  /** Key name of the key that made the run. */
  readonly key: string;
  /** Calls that reached an upstream. */
  readonly calls: number;
  readonly toolCalls: number;
  readonly costUsd: number;
  /** Repeated identical tool calls seen (loop detection). */
  readonly loops: number;
  readonly models: readonly string[];
  /** ISO 8601. */
  readonly firstCallAt: string;
  readonly lastCallAt: string;
}

/** Read-only view of the active agent runs. */
export interface RunsView {
  active(): Promise<readonly ActiveRun[]>;
}

/** What the console reads besides its own tail: every view is read-only and read at most once a second. */
export interface ConsoleSources {
  breakers(): Record<string, CircuitState>;
  limits(): Promise<readonly KeyLimitUsage[]>;
  readonly runs: RunsView;
}
