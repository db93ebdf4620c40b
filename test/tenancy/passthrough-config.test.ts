import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

const HASH = `sha256:${'b'.repeat(64)}`;
const UPSTREAM = { name: 'u', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'sk-up' };

function issuesOf(passthrough: unknown): string[] {
  try {
    parseConfig({ upstreams: [UPSTREAM], keys: [{ name: 'k', hash: HASH, passthrough }] });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('when keys[].passthrough is configured', () => {
  it('then it defaults to allow', () => {
    expect(parseConfig({ upstreams: [UPSTREAM], keys: [{ name: 'k', hash: HASH }] }).keys[0]!.passthrough).toBe('allow');
  });

  it('then allow, deny and a list of globs are accepted', () => {
    expect(issuesOf('allow')).toEqual([]);
    expect(issuesOf('deny')).toEqual([]);
    expect(issuesOf(['files/**', 'batches/*'])).toEqual([]);
  });

  it('then a glob written with /v1 or a leading slash is refused with the glob to write instead', () => {
    expect(issuesOf(['/v1/files/**', 'batches'])).toEqual([expect.stringMatching(/^keys\.0\.passthrough\.0: .*"files\/\*\*"/)]);
    expect(issuesOf(['/files'])).toEqual([expect.stringMatching(/^keys\.0\.passthrough\.0: .*"files"/)]);
  });

  it('then an empty list or another word is refused', () => {
    expect(issuesOf([])).toHaveLength(1);
    expect(issuesOf('some')).toHaveLength(1);
  });
});
