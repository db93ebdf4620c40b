import type { Next, RequestContext } from '../pipeline/context.js';
import { notOwned, type Ownership } from './ownership.js';
import type { OwnershipLog } from './passthrough-ownership.js';
import { CHAT_COMPLETIONS, CONVERSATIONS, RESPONSES, type OwnedFamily } from './resources.js';

/**
 * Understood calls whose answer the upstream stores (`POST /v1/responses` unless `store: false`,
 * `POST /v1/chat/completions` with `store: true`) make an object the calling key owns: recorded from
 * the answer's `id` once it is complete (2xx only). A Responses call that continues another stored
 * response or a conversation must own it. Only with gateway keys; other calls pass untouched.
 */
export function storedAnswersStage(owners: Ownership, enabled: boolean, log: OwnershipLog) {
  return async function storedAnswers(ctx: RequestContext, next: Next): Promise<void> {
    if (!enabled || ctx.request === undefined) return next();
    const { json } = ctx.request;
    const key = ctx.principal.name;
    if (ctx.operation === 'responses' && (json['previous_response_id'] !== undefined || json['conversation'] !== undefined)) {
      await assertOwnsReferences(owners, json, key);
    }
    const family = storedFamily(ctx.operation, json);
    await next();
    const id = ctx.answer.id;
    if (family === undefined || id === undefined || ctx.reply.status < 200 || ctx.reply.status >= 300) return;
    await owners.claim(family, id, key).catch((error: unknown) => {
      // The answer is already the client's: fail closed, the object stays nobody's.
      log.warn({ request_id: ctx.id, err: error, family: family.name }, 'tenancy: could not record the owner of a stored answer; it is reachable by no key');
    });
  };
}

function storedFamily(operation: RequestContext['operation'], json: Record<string, unknown>): OwnedFamily | undefined {
  if (operation === 'responses') return json['store'] === false ? undefined : RESPONSES;
  if (operation === 'chat') return json['store'] === true ? CHAT_COMPLETIONS : undefined;
  return undefined;
}

/** `previous_response_id` and `conversation` read stored state: the key must own what they name. */
async function assertOwnsReferences(owners: Ownership, json: Record<string, unknown>, key: string): Promise<void> {
  const previous = json['previous_response_id'];
  if (typeof previous === 'string' && (await owners.owner(RESPONSES, previous)) !== key) throw notOwned(RESPONSES, previous, 'previous_response_id');
  const conversation = json['conversation'];
  const conversationId = typeof conversation === 'string' ? conversation : (conversation as { id?: unknown } | null | undefined)?.id;
  if (typeof conversationId === 'string' && (await owners.owner(CONVERSATIONS, conversationId)) !== key) throw notOwned(CONVERSATIONS, conversationId, 'conversation');
}
