import type { Stage } from './context.js';

/** Everything a stage list needs, built once by app.ts. */
export interface StageSet {
  readonly observe: Stage;
  readonly auth: Stage;
  /** Auth for the gateway's own endpoints: gateway keys and the admin key. */
  readonly ownAuth: Stage;
  readonly validate: Stage;
  /** Present only under `pricing.onUnpriced: reject`. */
  readonly unpriced?: Stage | undefined;
  readonly limits: Stage;
  readonly usage: Stage;
  readonly route: Stage;
  /** `keys[].allowedModels`, then the route's caps, defaults and overrides. */
  readonly policy: Stage;
  /** Resolves the call's run (`ctx.runId`); today a stand-in reading `x-breakwater-run-id`. */
  readonly runs: Stage;
  /** The exact response cache of routes that turn it on: a hit answers without `next()`. */
  readonly cache: Stage;
  /** Chooses the target tried first (strategy, run affinity); the others stay fallbacks. */
  readonly balance: Stage;
  readonly forward: Stage;
  readonly passthrough: Stage;
  readonly websocket: Stage;
  /** `keys[].passthrough`: may this key call this path at all. */
  readonly passthroughPolicy: Stage;
  /** Passthrough calls on an object another key created: 404 before the upstream. */
  readonly ownership: Stage;
  /** Stored responses and chat completions belong to the key that made them. */
  readonly storedAnswers: Stage;
}

/**
 * THE ordered list. A request is parsed, authenticated, routed and limited once, then forwarded
 * (one or more attempts).
 * - `route` comes before `limits`: an unroutable model or an unpriced target is refused before it
 *   costs the key anything, and the budget reservation prices the route's target.
 * - `policy` right after `route` (the route carries its policy): a refused model or `max_tokens`
 *   costs nothing, and limits reserve the clamped `max_tokens` of the rewritten body.
 * - `cache` inside `limits`: a hit counts as one request (rpm, a concurrency slot for its replay),
 *   and, since it never reaches `usage`, its reserved tokens and spend are all given back. It sits
 *   outside `usage`, so on a miss the answer's cost is final when the cache stores it.
 * - `usage` sits inside `limits` so that usage and cost are final before limits settle on the way
 *   out; `observe` is first so it sees every outcome and finalizes once.
 * - `storedAnswers` sits right around `forward`, so a stored answer's owner is recorded as soon as
 *   the answer ends, before anything else on the way out.
 * - `balance` comes just before them: the target is chosen when the call is about to be sent (a
 *   cached or refused call chooses none), on in-flight counts as fresh as they get.
 */
export function llmStages(stages: StageSet): Stage[] {
  const { observe, auth, validate, route, policy, unpriced, runs, limits, cache, usage, storedAnswers, balance, forward } = stages;
  const refusals = unpriced === undefined ? [policy] : [policy, unpriced];
  return [observe, auth, validate, route, ...refusals, runs, limits, cache, usage, balance, storedAnswers, forward];
}

/**
 * Other `/v1/*` paths: opaque, streamed straight through, still authenticated, limited (rpm and
 * concurrency), logged, metered and traced. The policy refuses before limits, so a refused path costs
 * the key nothing; ownership checks after limits, so probing ids is rate limited like any call.
 */
export function passthroughStages(stages: StageSet): Stage[] {
  return [stages.observe, stages.auth, stages.passthroughPolicy, stages.limits, stages.ownership, stages.passthrough];
}

/** WebSocket upgrades under /v1 (Realtime): authenticated, policed and limited like any passthrough call; a session is in flight until it closes. */
export function websocketStages(stages: StageSet): Stage[] {
  return [stages.observe, stages.auth, stages.passthroughPolicy, stages.limits, stages.websocket];
}

/** The gateway's own endpoints (`/breakwater/*`): logged and authenticated (the admin key too), then the endpoint. */
export function ownStages(stages: StageSet, endpoints: Stage): Stage[] {
  return [stages.observe, stages.ownAuth, endpoints];
}
