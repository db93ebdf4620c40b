/**
 * A URL as it may appear in a log line: credentials in its userinfo and every query value are
 * replaced (a `?key=` or `https://user:token@host` base URL must not reach the logs).
 */
export function safeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '(unparseable)';
  }
  if (url.username !== '') url.username = 'redacted';
  if (url.password !== '') url.password = 'redacted';
  for (const name of [...url.searchParams.keys()]) url.searchParams.set(name, 'redacted');
  return url.toString();
}
