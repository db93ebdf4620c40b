/**
 * The stateful OpenAI resources a gateway key owns, and how a passthrough path touches them. Paths and
 * the `notIds` come from the OpenAI API reference; anything not in this table is not owned (the
 * passthrough policy is the tool for it).
 */

type JsonObject = Record<string, unknown>;

export interface OwnedFamily {
  /** Prefix of its ownership records and word in logs, e.g. `files`. */
  readonly name: string;
  /** Path segments of the collection below /v1, e.g. `['fine_tuning', 'jobs']`. */
  readonly segments: readonly string[];
  /** For the 404 message: `No file found with id '...'`. */
  readonly noun: string;
  /** Segments right below the collection that are operations, not ids (`/responses/input_tokens`). */
  readonly notIds: ReadonlySet<string>;
  /** Ownership lapses after this long: the upstream deletes these objects itself by then. Absent: until deleted. */
  readonly ttlMs: number | undefined;
  /** Files the upstream makes for an object of this family (a batch's output): owned with it. */
  readonly madeFiles: ((object: JsonObject) => string[]) | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const NONE: ReadonlySet<string> = new Set();

function family(name: string, path: string, noun: string, extra: Partial<Pick<OwnedFamily, 'notIds' | 'ttlMs' | 'madeFiles'>> = {}): OwnedFamily {
  return { name, segments: path.split('/'), noun, notIds: extra.notIds ?? NONE, ttlMs: extra.ttlMs, madeFiles: extra.madeFiles };
}

function strings(...values: unknown[]): string[] {
  return values.flat().filter((value): value is string => typeof value === 'string' && value !== '');
}

export const FILES = family('files', 'files', 'file');
export const RESPONSES = family('responses', 'responses', 'response', { notIds: new Set(['input_tokens', 'compact']), ttlMs: 30 * DAY_MS });
export const CHAT_COMPLETIONS = family('chat_completions', 'chat/completions', 'chat completion', { ttlMs: 30 * DAY_MS });
export const CONVERSATIONS = family('conversations', 'conversations', 'conversation');

export const OWNED_FAMILIES: readonly OwnedFamily[] = [
  FILES,
  // Uploads expire an hour after they are created; completing one makes a file.
  family('uploads', 'uploads', 'upload', { ttlMs: 2 * 60 * 60 * 1000, madeFiles: (o) => strings((o['file'] as JsonObject | null | undefined)?.['id']) }),
  family('batches', 'batches', 'batch', { madeFiles: (o) => strings(o['output_file_id'], o['error_file_id']) }),
  family('vector_stores', 'vector_stores', 'vector store'),
  family('fine_tuning_jobs', 'fine_tuning/jobs', 'fine-tuning job', { madeFiles: (o) => strings(o['result_files']) }),
  family('containers', 'containers', 'container'),
  CONVERSATIONS,
  RESPONSES,
  CHAT_COMPLETIONS,
];

/** What a passthrough request does to an owned family. */
export type ResourceAccess =
  | { readonly kind: 'create'; readonly family: OwnedFamily }
  | { readonly kind: 'list'; readonly family: OwnedFamily }
  /** A call on one object, or on anything below it (`/files/{id}/content`, `/vector_stores/{id}/files`). */
  | { readonly kind: 'object'; readonly family: OwnedFamily; readonly id: string; readonly below: number; readonly deletes: boolean }
  /** Another method on a collection (no such endpoint today; it would touch every key's objects). */
  | { readonly kind: 'collection'; readonly family: OwnedFamily };

const BY_FIRST_SEGMENT = new Map<string, OwnedFamily[]>();
for (const owned of OWNED_FAMILIES) {
  const first = owned.segments[0]!;
  BY_FIRST_SEGMENT.set(first, [...(BY_FIRST_SEGMENT.get(first) ?? []), owned]);
}

/** How `method path` (path below /v1, no query) touches an owned family; undefined when it does not. */
export function resourceAccess(method: string, path: string): ResourceAccess | undefined {
  const segments = path.split('/');
  segments.shift();
  if (segments.at(-1) === '') segments.pop();
  const candidates = BY_FIRST_SEGMENT.get(segments[0] ?? '');
  if (candidates === undefined) return undefined;
  const owned = candidates.find((f) => f.segments.every((segment, index) => segments[index] === segment));
  if (owned === undefined) return undefined;
  const depth = owned.segments.length;
  if (segments.length === depth) {
    if (method === 'GET') return { kind: 'list', family: owned };
    if (method === 'POST') return { kind: 'create', family: owned };
    return { kind: 'collection', family: owned };
  }
  const raw = segments[depth]!;
  if (owned.notIds.has(raw)) return undefined;
  let id: string;
  try {
    // The upstream decodes the segment: so must the lookup, or `file-%41` would not be `file-A`.
    id = decodeURIComponent(raw);
  } catch {
    id = raw;
  }
  const below = segments.length - depth - 1;
  return { kind: 'object', family: owned, id, below, deletes: method === 'DELETE' && below === 0 };
}

/**
 * The answer must be read before the client gets it: a create (its `id`), a list (filtered), or an
 * object of a family whose objects carry files the upstream made for them.
 */
export function answerMatters(access: ResourceAccess): boolean {
  if (access.kind === 'create' || access.kind === 'list') return true;
  // A delete's answer is held until the owner is forgotten, so no later call can still pass on it.
  return access.kind === 'object' && (access.deletes || (access.family.madeFiles !== undefined && access.below <= 1));
}
