import picomatch from 'picomatch';

/** Model names are not paths: `/` is an ordinary character (`meta-llama/*` matches `meta-llama/Llama-3-8B`). */
const SLASH_STAND_IN = '\u2044';

/** A model-name glob (`*` any run, `?` one character), compiled once. */
export function modelGlob(pattern: string): (model: string) => boolean {
  const isMatch = picomatch(pattern.replaceAll('/', SLASH_STAND_IN), { dot: true, nonegate: true });
  return (model) => isMatch(model.replaceAll('/', SLASH_STAND_IN));
}

/** Path globs (`/` separates segments: `*` stays in one, `**` crosses them), compiled once. */
export function pathGlobs(patterns: readonly string[]): (path: string) => boolean {
  return picomatch([...patterns], { dot: true, nonegate: true });
}
