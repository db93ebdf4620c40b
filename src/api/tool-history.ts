/** What a request's history says about tool calls, in any wire API. */
export interface ToolHistory {
  /** Ids of the tool calls whose results this request carries, newest first (bounded). */
  readonly answered: readonly string[];
  /**
   * The assistant turns since the last user message, oldest first: each the canonical signature of
   * the tool calls it made (name and arguments as canonical JSON, calls sorted), '' for a turn that
   * made none.
   */
  readonly turns: readonly string[];
}

export const NO_TOOL_HISTORY: ToolHistory = Object.freeze({ answered: [], turns: [] });

/** Ids answered are kept up to this many: the newest are the ones that matter for stitching. */
export const MAX_ANSWERED_IDS = 16;

/** The signature of one assistant turn's calls: order-independent, so a turn that repeats the same calls in another order is the same turn. */
export function turnSignature(calls: readonly string[]): string {
  return calls.length === 0 ? '' : [...calls].sort().join('\n');
}
