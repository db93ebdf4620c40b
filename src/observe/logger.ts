import { pino, type Logger, type DestinationStream } from 'pino';

/** Credential-bearing field names whose values never reach a log line, wherever they are nested. */
const CREDENTIAL_FIELDS = /("(?:authorization|api-key|x-api-key|apiKey|api_key)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/** Bearer tokens and OpenAI-style keys anywhere in a line, e.g. inside an upstream error body that echoes one. */
const TOKEN_PATTERNS = /(Bearer\s+)[^\s"'\\]+|\b(sk-[A-Za-z0-9_-]{8})[A-Za-z0-9_-]{8,}/g;

/**
 * Builds the one logger. Redaction is set up once and works on the serialized line, so nothing can
 * slip past it by nesting: credential-named fields (authorization, api-key, x-api-key, apiKey), every
 * configured secret value, and anything shaped like a bearer token or OpenAI-style key. One pass over
 * the finished line is also cheaper than pino's per-path redaction on every call.
 */
export function createLogger(options: { level: string; secrets: readonly string[]; destination?: DestinationStream }): Logger {
  const scrub = createRedactor(options.secrets);
  return pino(
    {
      level: options.level,
      base: { service: 'breakwater' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      hooks: { streamWrite: scrub },
      formatters: { level: (label) => ({ level: label }) },
    },
    // Asynchronous writes, no batching: batching lines into 4 KiB writes measured no gain here, and
    // an unbatched line is on stdout at once (operators tailing logs, and nothing lost on a crash).
    options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 0 }),
  );
}

export type { DestinationStream, Logger };

/**
 * Replaces every configured secret value, and anything shaped like a bearer token or OpenAI-style key,
 * with `[REDACTED]`. Shared by log lines and (opt-in) prompt text on spans.
 */
export function createRedactor(secretValues: readonly string[]): (text: string) => string {
  const secrets = secretValues.filter((secret) => secret.length >= 4);
  return (text: string): string => {
    let out = text;
    if (CREDENTIAL_FIELDS.test(out)) out = out.replace(CREDENTIAL_FIELDS, '$1"[REDACTED]"');
    CREDENTIAL_FIELDS.lastIndex = 0;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    if (out.includes('Bearer') || out.includes('sk-')) out = out.replace(TOKEN_PATTERNS, (_m, bearer?: string, keyStart?: string) => (bearer !== undefined ? `${bearer}[REDACTED]` : `${keyStart}[REDACTED]`));
    return out;
  };
}
