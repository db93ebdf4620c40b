import type { KeyLimitUsage } from '../limits/create-limits.js';
import type { CircuitState } from '../resilience/breakers.js';
import type { LiveTail, RequestRow, UsageTotals } from './live-tail.js';
import type { ActiveRun, ConsoleSources } from './sources.js';
import type { Percentiles, SecondCounts } from './traffic-window.js';

/** Percentiles and the rate are over this window; the charts show the whole five minutes. */
const RECENT_SECONDS = 60;
const RATE_SECONDS = 10;
const SERIES_STEP_SECONDS = 10;
const SERIES_POINTS = 30;
const MAX_RUNS = 50;

/** Everything one console update carries (also `GET /console/snapshot`), documented in docs/console.md. */
export interface ConsoleSnapshot {
  readonly now: number;
  readonly startedAt: number;
  /** Requests per second over the last 10 s. */
  readonly requestsPerSecond: number;
  readonly recent: { readonly seconds: number; readonly requests: number; readonly errors: number; readonly latency: Percentiles; readonly ttft: Percentiles };
  readonly traffic: readonly SecondCounts[];
  /** p50 and p99 of each 10 s step of the last five minutes, oldest first. */
  readonly latencySeries: ReadonlyArray<{ readonly t: number; readonly p50Ms: number | undefined; readonly p99Ms: number | undefined }>;
  /** Failures by class over the last five minutes, most first. */
  readonly errorsByClass: ReadonlyArray<{ readonly errorClass: string; readonly count: number }>;
  readonly totals: { readonly requests: number; readonly errors: number; readonly inputTokens: number; readonly outputTokens: number; readonly costUsd: number };
  readonly byModel: readonly UsageTotals[];
  readonly byKey: readonly UsageTotals[];
  readonly breakers: ReadonlyArray<{ readonly upstream: string; readonly state: CircuitState }>;
  readonly limits: readonly KeyLimitUsage[];
  /** Set when shared state could not be read. */
  readonly limitsError: string | undefined;
  readonly runs: readonly ActiveRun[];
  readonly runsError: string | undefined;
  /** Rows newer than the ones the reader already has, newest first. */
  readonly requests: readonly RequestRow[];
}

/** Builds console snapshots from the live tail and the read-only views of breakers, limits and runs. */
export class ConsoleData {
  constructor(private readonly tail: LiveTail, private readonly sources: ConsoleSources) {}

  get lastSeq(): number {
    return this.tail.lastSeq;
  }

  rowsAfter(afterSeq: number, limit: number): RequestRow[] {
    return this.tail.rowsAfter(afterSeq, limit);
  }

  /** Everything but the request rows (the same for every reader of one tick). */
  async state(now = Date.now()): Promise<Omit<ConsoleSnapshot, 'requests'>> {
    const { tail, sources } = this;
    const [limits, runs] = await Promise.allSettled([sources.limits(), sources.runs.active()]);
    const window = tail.window;
    const recent = window.counts(now, RECENT_SECONDS);
    const fiveMinutes = window.counts(now, SERIES_POINTS * SERIES_STEP_SECONDS);
    const byModel = sortByCost(tail.byModel());
    const byKey = sortByCost(tail.byKey());
    return {
      now,
      startedAt: tail.startedAt,
      requestsPerSecond: window.counts(now, RATE_SECONDS).requests / RATE_SECONDS,
      recent: {
        seconds: RECENT_SECONDS,
        requests: recent.requests,
        errors: recent.errors,
        latency: window.percentiles('latency', now, RECENT_SECONDS),
        ttft: window.percentiles('ttft', now, RECENT_SECONDS),
      },
      traffic: window.perSecond(now),
      latencySeries: Array.from({ length: SERIES_POINTS }, (_, i) => {
        const end = now - (SERIES_POINTS - 1 - i) * SERIES_STEP_SECONDS * 1000;
        const step = window.percentiles('latency', end, SERIES_STEP_SECONDS);
        return { t: Math.floor(end / 1000), p50Ms: step.p50Ms, p99Ms: step.p99Ms };
      }),
      errorsByClass: [...fiveMinutes.byClass].map(([errorClass, count]) => ({ errorClass, count })).sort((a, b) => b.count - a.count),
      totals: byKey.reduce(
        (sum, key) => ({ requests: sum.requests + key.requests, errors: sum.errors + key.errors, inputTokens: sum.inputTokens + key.inputTokens, outputTokens: sum.outputTokens + key.outputTokens, costUsd: sum.costUsd + key.costUsd }),
        { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      ),
      byModel,
      byKey,
      breakers: Object.entries(sources.breakers()).map(([upstream, state]) => ({ upstream, state })),
      limits: limits.status === 'fulfilled' ? limits.value : [],
      limitsError: limits.status === 'rejected' ? messageOf(limits.reason) : undefined,
      runs: runs.status === 'fulfilled' ? [...runs.value].sort((a, b) => b.lastCallAt.localeCompare(a.lastCallAt)).slice(0, MAX_RUNS) : [],
      runsError: runs.status === 'rejected' ? messageOf(runs.reason) : undefined,
    };
  }
}

function sortByCost(totals: UsageTotals[]): UsageTotals[] {
  return totals.map((t) => ({ ...t })).sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
