import type { KeyLimitUsage } from '../limits/create-limits.js';
import type { CircuitState } from '../resilience/breakers.js';

/** An agent run in progress, as the console lists it (the runs feature provides these). */
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

/** Read-only view of the active agent runs; the runs feature implements it over its run store. */
export interface RunsView {
  active(): Promise<readonly ActiveRun[]>;
}

/** Until agent runs exist, there are none. */
export const NO_RUNS: RunsView = Object.freeze({ active: async (): Promise<readonly ActiveRun[]> => [] });

/** What the console reads besides its own tail: every view is read-only and read at most once a second. */
export interface ConsoleSources {
  breakers(): Record<string, CircuitState>;
  limits(): Promise<readonly KeyLimitUsage[]>;
  readonly runs: RunsView;
}
