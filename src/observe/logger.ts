import { pino, type Logger, type DestinationStream } from 'pino';

/** Header and field names whose values never reach a log line. */
const REDACT_PATHS = [
  'authorization', 'headers.authorization', 'headers["api-key"]', 'headers["x-api-key"]',
  'req.headers.authorization', 'req.headers["api-key"]', 'req.headers["x-api-key"]', 'apiKey', '*.apiKey',
];

/** Bearer tokens and OpenAI-style keys anywhere in a line, e.g. inside an upstream error body that echoes one. */
const TOKEN_PATTERNS = /(Bearer\s+)[^\s"'\\]+|\b(sk-[A-Za-z0-9_-]{8})[A-Za-z0-9_-]{8,}/g;

/**
 * Builds the one logger. Redaction is set up once: known fields by path, and every configured secret
 * value plus anything shaped like a bearer token or API key, anywhere in the serialized line.
 */
export function createLogger(options: { level: string; secrets: readonly string[]; destination?: DestinationStream }): Logger {
  const scrub = createRedactor(options.secrets);
  return pino(
    {
      level: options.level,
      base: { service: 'breakwater' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      hooks: { streamWrite: scrub },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false, minLength: 0 }),
  );
}

export type { Logger };

/**
 * Replaces every configured secret value, and anything shaped like a bearer token or OpenAI-style key,
 * with `[REDACTED]`. Shared by log lines and (opt-in) prompt text on spans.
 */
export function createRedactor(secretValues: readonly string[]): (text: string) => string {
  const secrets = secretValues.filter((secret) => secret.length >= 4);
  return (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    if (out.includes('Bearer') || out.includes('sk-')) out = out.replace(TOKEN_PATTERNS, (_m, bearer?: string, keyStart?: string) => (bearer !== undefined ? `${bearer}[REDACTED]` : `${keyStart}[REDACTED]`));
    return out;
  };
}
