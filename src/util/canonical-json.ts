import { stringify } from 'safe-stable-stringify';

/**
 * JSON with object keys sorted at every level: two values equal as JSON (key order and whitespace
 * aside) give the same text. Used to compare tool-call arguments and request bodies.
 */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

/** A JSON text in canonical form; text that is not JSON is returned trimmed, as it is. */
export function canonicalJsonText(text: string): string {
  try {
    return canonicalJson(JSON.parse(text));
  } catch {
    return text.trim();
  }
}
