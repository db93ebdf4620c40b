import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The page's files, hand-written, no bundler: `npm run build` copies them beside the compiled code
 * (dist/console/static, so the package and the image ship them with dist); read once at start.
 */
const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** The console's files by name; only these are ever served (no path from a request reaches the file system). */
export function loadStaticFiles(names: readonly string[]): ReadonlyMap<string, StaticFile> {
  return new Map(names.map((name) => [name, { body: readFileSync(STATIC_DIR + name), type: TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream' }]));
}
