/**
 * When dashboards/generate.ts renders the dashboards, then the committed JSON, the
 * `satisfies DashboardJson` check files and the chart's copies (dashboards and alert rules)
 * are exactly what it renders: nothing was edited by hand or left stale.
 * Fix a failure with `node dashboards/generate.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAll } from '../../dashboards/generate.ts';
import { repoPath } from './ship-helpers.ts';

const files = [...renderAll()];

describe('generated dashboard files', () => {
  it.each(files.map(([path, content]) => [path, content] as const))('%s is up to date', (path, content) => {
    expect(existsSync(repoPath(path)), `${path} missing: run node dashboards/generate.ts`).toBe(true);
    expect(readFileSync(repoPath(path), 'utf8') === content, `${path} is stale: run node dashboards/generate.ts`).toBe(true);
  });
});
