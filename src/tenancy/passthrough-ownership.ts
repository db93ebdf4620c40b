import { GatewayError } from '../errors/gateway-error.js';
import type { Next, RequestContext } from '../pipeline/context.js';
import type { AnswerReader } from '../upstream/passthrough.js';
import { notOwned, type Ownership } from './ownership.js';
import { answerMatters, FILES, resourceAccess, type OwnedFamily } from './resources.js';

type JsonObject = Record<string, unknown>;

export interface OwnershipLog {
  warn(fields: object, message: string): void;
}

/**
 * Who may touch which upstream object on passthrough paths, when gateway keys are configured. A call
 * on an object the key did not create is answered 404 here, without calling the upstream; creates are
 * recorded from the answer's `id`; lists keep only the key's own objects. Paths that name no owned
 * object cost nothing beyond classifying the path.
 */
export class PassthroughOwnership implements AnswerReader {
  constructor(private readonly owners: Ownership, private readonly enabled: boolean, private readonly log: OwnershipLog) {}

  stage() {
    const check = this.check.bind(this);
    return function ownership(ctx: RequestContext, next: Next): Promise<void> {
      return check(ctx, next);
    };
  }

  reads(ctx: RequestContext): boolean {
    if (!this.enabled) return false;
    const access = resourceAccess(ctx.req.method ?? 'GET', ctx.path);
    return access !== undefined && answerMatters(access);
  }

  async rewrite(ctx: RequestContext, status: number, body: Buffer): Promise<Buffer> {
    if (status < 200 || status >= 300) return body;
    const access = resourceAccess(ctx.req.method ?? 'GET', ctx.path);
    if (access === undefined) return body;
    const key = ctx.principal.name;
    const answer = parseObject(body);
    if (access.kind === 'list') return this.filterList(access.family, key, answer);
    if (access.kind === 'object' && access.deletes) await this.forget(ctx, access.family, access.id);
    if (answer === undefined) return body;
    if (access.kind === 'create' && typeof answer['id'] === 'string') await this.owners.claim(access.family, answer['id'], key);
    await this.claimMadeFiles(access.family, answer, key);
    return body;
  }

  private async check(ctx: RequestContext, next: Next): Promise<void> {
    if (!this.enabled) return next();
    const method = ctx.req.method ?? 'GET';
    const access = resourceAccess(method, ctx.path);
    if (access === undefined) return next();
    switch (access.kind) {
      case 'collection':
        throw new GatewayError('passthrough_denied', `${method} /v1${ctx.path} would touch every key's ${access.family.name}; the gateway does not pass it through`);
      case 'create':
      case 'list':
        // The answer must be recorded or filtered: with the store down, refuse before the upstream acts.
        this.owners.assertWritable();
        return next();
      case 'object': {
        if ((await this.owners.owner(access.family, access.id)) !== ctx.principal.name) throw notOwned(access.family, access.id);
        return next();
      }
    }
  }

  /** Deleted upstream: forget its owner before the client hears of it. A record left behind names a dead id and opens nothing. */
  private async forget(ctx: RequestContext, family: OwnedFamily, id: string): Promise<void> {
    await this.owners.release(family, id).catch((error: unknown) => {
      this.log.warn({ request_id: ctx.id, err: error, family: family.name }, 'tenancy: could not forget the owner of a deleted object');
    });
  }

  /** Keeps the key's own objects; `first_id` / `last_id` name what it sees, `has_more` stays the upstream's. */
  private async filterList(family: OwnedFamily, key: string, answer: JsonObject | undefined): Promise<Buffer> {
    const data = answer?.['data'];
    if (answer === undefined || !Array.isArray(data)) {
      throw new GatewayError('upstream_error', `the upstream's list of ${family.name} could not be read, so it cannot be narrowed to this key's own`);
    }
    const owners = await Promise.all(data.map((item: unknown) => {
      const id = isObject(item) ? item['id'] : undefined;
      return typeof id === 'string' ? this.owners.owner(family, id) : undefined;
    }));
    const kept = data.filter((_item: unknown, index: number) => owners[index] === key) as JsonObject[];
    const filtered: JsonObject = { ...answer, data: kept };
    if ('first_id' in answer) filtered['first_id'] = kept[0]?.['id'] ?? null;
    if ('last_id' in answer) filtered['last_id'] = kept.at(-1)?.['id'] ?? null;
    return Buffer.from(JSON.stringify(filtered));
  }

  private async claimMadeFiles(family: OwnedFamily, object: JsonObject, key: string): Promise<void> {
    const files = family.madeFiles?.(object) ?? [];
    if (files.length === 0) return;
    await Promise.all(files.map((id) => this.owners.claim(FILES, id, key)));
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(body: Buffer): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
