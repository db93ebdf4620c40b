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
  /** `Idempotency-Key`: one call per key and body; and what a client going away does to the call. */
  readonly idempotency: Stage;
  readonly limits: Stage;
  /** Agent runs: the run id, run limits, loop detection, the run record. */
  readonly runs: Stage;
  /** `Prefer: respond-async`: answered 202, then the call runs on without its client. */
  readonly detached: Stage;
  readonly usage: Stage;
  /** Responses `background: true`: the creating upstream kept, usage counted once when first seen completed. */
  readonly backgroundCreate: Stage;
  /** `/v1/responses/{id}` retrieve, cancel and delete: to the upstream that created the response. */
  readonly backgroundRetrieve: Stage;
  readonly route: Stage;
  /** `keys[].allowedModels`, then the route's caps, defaults and overrides. */
  readonly policy: Stage;
  /** The exact response cache of routes that turn it on: a hit answers without `next()`. */
  readonly cache: Stage;
  /** Chooses the target tried first (strategy, run affinity); the others stay fallbacks. */
  readonly balance: Stage;
  readonly forward: Stage;
  readonly passthrough: Stage;
  readonly websocket: Stage;
  /** `keys[].passthrough`: may this key call this path at all. */
  readonly passthroughPolicy: Stage;
  /** `keys[].allowedModels` on the model a WebSocket's query or a passthrough JSON body names. */
  readonly modelsElsewhere: Stage;
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
 * - `idempotency` after `route` (a route may choose what a client going away does) and before `runs`
 *   and `limits`: a replayed answer, or a repeat that follows the same call under way, costs the key
 *   nothing (no request, token, budget or concurrency slot) and is not a second call of its run.
 * - `runs` before `limits`: a run over its own limits, or an agent loop that is blocked, is refused
 *   before the key's counters move; on the way out it adds the finished call (usage and cost final)
 *   to its run.
 * - `detached` after `limits`: a call is accepted (202) only once admitted, so a refusal is the
 *   client's at once and the concurrency slot is held until the detached call ends.
 * - `cache` inside `limits`: a hit counts as one request (rpm, a concurrency slot for its replay),
 *   and, since it never reaches `usage`, its reserved tokens and spend are all given back. It sits
 *   outside `usage`, so on a miss the answer's cost is final when the cache stores it.
 * - `usage` inside `limits`, so that usage and cost are final before limits settle on the way out;
 *   `backgroundCreate` inside `usage` so it can say, before usage settles, that a background response
 *   is counted elsewhere; `observe` is first so it sees every outcome and finalizes once.
 * - `balance` just before `storedAnswers` and `forward`: the target is chosen when the call is about
 *   to be sent (a cached or refused call chooses none), on in-flight counts as fresh as they get.
 * - `storedAnswers` right around `forward`, so a stored answer's owner is recorded as soon as the
 *   answer ends, before anything else on the way out.
 */
export function llmStages(stages: StageSet): Stage[] {
  const { observe, auth, validate, route, policy, unpriced, idempotency, runs, limits, detached, cache, usage, backgroundCreate, balance, storedAnswers, forward } = stages;
  const refusals = unpriced === undefined ? [policy] : [policy, unpriced];
  return [observe, auth, validate, route, ...refusals, idempotency, runs, limits, detached, cache, usage, backgroundCreate, balance, storedAnswers, forward];
}

/**
 * Anthropic's `count_tokens`: authenticated, validated, routed by model and forwarded like any model
 * call (retries, breaker, fallbacks), metered and traced, but no limits and no usage: it generates
 * nothing and costs nothing, and Anthropic rate-limits it apart from Messages. Claude Code's
 * `/context` fires ~25 of them within 70 ms; counted against rpm or concurrency they would spend a
 * small key's minute, or queue behind its running calls, for calls that cost nothing. No policy
 * either: a route's defaults and overrides are for generating calls (count_tokens refuses fields it
 * does not know). `balance` picks the target as for any call.
 */
export function countTokenStages(stages: StageSet): Stage[] {
  return [stages.observe, stages.auth, stages.validate, stages.route, stages.balance, stages.forward];
}

/**
 * Other `/v1/*` paths: opaque, streamed straight through, still authenticated, limited (rpm and
 * concurrency), logged, metered and traced. The policy refuses before limits, so a refused path costs
 * the key nothing; ownership checks after limits, so probing ids is rate limited like any call.
 * `backgroundRetrieve` sends a stored response's calls to the upstream that created it (after the
 * ownership check, which must refuse before any upstream is called).
 */
export function passthroughStages(stages: StageSet): Stage[] {
  return [stages.observe, stages.auth, stages.passthroughPolicy, stages.modelsElsewhere, stages.limits, stages.ownership, stages.backgroundRetrieve, stages.passthrough];
}

/** WebSocket upgrades under /v1 (Realtime): authenticated, policed and limited like any passthrough call; a session is in flight until it closes. */
export function websocketStages(stages: StageSet): Stage[] {
  return [stages.observe, stages.auth, stages.passthroughPolicy, stages.modelsElsewhere, stages.limits, stages.websocket];
}

/** The gateway's own endpoints (`/breakwater/*`): logged and authenticated (the admin key too), then the endpoint. */
export function ownStages(stages: StageSet, endpoints: Stage): Stage[] {
  return [stages.observe, stages.ownAuth, endpoints];
}
