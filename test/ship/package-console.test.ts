/**
 * When the package is packed (after `npm run build`), then it ships the console's page files beside
 * the compiled code, so `GET /console` works from an npm install and from the image, with no build
 * step for the user and no sources in the package.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from './ship-helpers.ts';

describe('the packed package', () => {
  it('holds every console file under dist/console/static and no src/', () => {
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoPath(), encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    const files = (JSON.parse(packed.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    for (const name of readdirSync(repoPath('src/console/static'))) expect(files).toContain(`dist/console/static/${name}`);
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);
  });
});
