/**
 * Retries per upstream at most `ratio` of its recent requests (plus a small floor so a quiet
 * upstream can still retry), over a sliding window of one-second buckets. This keeps a failing
 * upstream from being hammered by every client's retries at once (Finagle/Envoy retry budgets).
 *
 * Asking (`hasRoom`) and spending (`recordRetry`) are separate so that a retry the policy turns
 * down for another reason (not retryable, attempts exhausted) never uses up the budget.
 */
export class RetryBudget {
  private readonly requests: Int32Array;
  private readonly retries: Int32Array;
  private readonly stamps: Float64Array;

  constructor(
    private readonly ratio: number,
    private readonly minRetriesPerWindow = 3,
    private readonly windowSeconds = 10,
  ) {
    this.requests = new Int32Array(windowSeconds);
    this.retries = new Int32Array(windowSeconds);
    this.stamps = new Float64Array(windowSeconds).fill(-Infinity);
  }

  recordRequest(nowMs: number): void {
    this.requests[this.bucket(nowMs)]! += 1;
  }

  /** Whether one more retry fits: retries so far < floor + ratio * requests, over the window. */
  hasRoom(nowMs: number): boolean {
    this.bucket(nowMs);
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < this.windowSeconds; i++) {
      requests += this.requests[i]!;
      retries += this.retries[i]!;
    }
    return retries < this.minRetriesPerWindow + this.ratio * requests;
  }

  recordRetry(nowMs: number): void {
    this.retries[this.bucket(nowMs)]! += 1;
  }

  private bucket(nowMs: number): number {
    const second = Math.floor(nowMs / 1000);
    const index = second % this.windowSeconds;
    if (this.stamps[index] !== second) {
      this.stamps[index] = second;
      this.requests[index] = 0;
      this.retries[index] = 0;
    }
    // Buckets older than the window still hold counts until reused; clear them lazily on read.
    for (let i = 0; i < this.windowSeconds; i++) {
      if (second - this.stamps[i]! >= this.windowSeconds) {
        this.requests[i] = 0;
        this.retries[i] = 0;
      }
    }
    return index;
  }
}
