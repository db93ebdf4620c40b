/**
 * The loop rule: the request's history ends with `threshold` or more consecutive assistant turns
 * making the same tool call (same tool name, same arguments as canonical JSON). `turns` are the
 * assistant turns' signatures since the last user message, oldest first ('' for a turn without a
 * tool call, which breaks a streak). Returns how many trailing turns repeat, when that is a loop.
 */
export function loopLength(turns: readonly string[], threshold: number): number | undefined {
  const last = turns.at(-1);
  if (last === undefined || last === '') return undefined;
  let count = 0;
  for (let i = turns.length - 1; i >= 0 && turns[i] === last; i--) count++;
  return count >= threshold ? count : undefined;
}
