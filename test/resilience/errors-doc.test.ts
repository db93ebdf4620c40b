import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASS_NAMES, ERROR_CLASSES, GATEWAY_ERROR_CODES } from '../../src/errors/classes.ts';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');

/** Rows of the first markdown table under `## heading`, as cells with backticks removed. */
function tableUnder(heading: string): string[][] {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  expect(start, `section "## ${heading}"`).toBeGreaterThan(-1);
  const rest = DOC.slice(start + heading.length + 5);
  const section = rest.slice(0, rest.search(/\n## /) === -1 ? undefined : rest.search(/\n## /));
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  return lines.slice(2).map((line) => line.slice(1, -1).split('|').map((cell) => cell.trim().replaceAll('`', '')));
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

describe('when docs/errors.md is read next to the error table', () => {
  it('then its class table is exactly ERROR_CLASSES', () => {
    const rows = tableUnder('Classes');
    const expected = ERROR_CLASS_NAMES.map((name) => {
      const spec = ERROR_CLASSES[name];
      return [name, String(spec.status), spec.type, yesNo(spec.retryable), yesNo(spec.tripsBreaker), yesNo(spec.fallback), spec.meaning];
    });
    expect(rows).toEqual(expected);
  });

  it('then its gateway code table is exactly GATEWAY_ERROR_CODES', () => {
    const rows = tableUnder('Gateway error codes');
    const expected = Object.entries(GATEWAY_ERROR_CODES).map(([code, spec]) => [code, spec.errorClass, String(spec.status)]);
    expect(rows).toEqual(expected);
  });

  it('then every class has an example section', () => {
    for (const name of ERROR_CLASS_NAMES) expect(DOC, name).toContain(`\n### \`${name}\`\n`);
  });
});
