import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, interpolateEnv, parseConfig } from '../../src/config/load.ts';

/** Values shaped like config: right keys, arbitrary (often wrong) values. */
const configish = fc.record(
  {
    server: fc.oneof(fc.constant({}), fc.record({ port: fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.string()), maxBodyBytes: fc.anything() }, { requiredKeys: [] })),
    upstreams: fc.oneof(
      fc.anything(),
      fc.array(fc.record({ name: fc.oneof(fc.string(), fc.constantFrom('a', 'b')), baseUrl: fc.oneof(fc.webUrl(), fc.string()), apiKey: fc.oneof(fc.string(), fc.constant('${KEY}')) }, { requiredKeys: ['name'] }), { maxLength: 3 }),
    ),
    routes: fc.array(fc.record({ match: fc.string(), targets: fc.array(fc.record({ upstream: fc.constantFrom('a', 'b', 'c'), model: fc.string() }, { requiredKeys: ['upstream'] }), { maxLength: 3 }) }), { maxLength: 3 }),
    retry: fc.dictionary(fc.constantFrom('maxAttempts', 'baseDelayMs', 'maxDelayMs', 'budgetRatio'), fc.oneof(fc.integer(), fc.double(), fc.string())),
    keys: fc.anything(),
    telemetry: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('config loader under arbitrary input', () => {
  it('when given any JSON value, then it returns a config or throws a ConfigError listing path: reason lines, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), configish), (raw) => {
        try {
          const config = parseConfig(raw, { KEY: 'sk-x' });
          expect(config.upstreams.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const issues = (error as ConfigError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const line of issues) expect(line).toMatch(/^[^:]+: .+/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('when a config round-trips through YAML, then it validates to the same result', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65_535 }), fc.integer({ min: 1, max: 10 }), (port, maxAttempts) => {
        const raw = { server: { port }, retry: { maxAttempts } };
        const viaYaml = parseConfig(JSON.parse(JSON.stringify(raw)) as unknown);
        expect(parseConfig(raw)).toEqual(viaYaml);
        expect(stringify(raw)).toContain(`port: ${port}`);
      }),
      { numRuns: 100 },
    );
  });

  it('when strings hold arbitrary ${...} text, then interpolation never throws and never leaves a set variable unreplaced', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (text, value) => {
        const missing: string[] = [];
        const out = interpolateEnv({ a: `${text}\${SET_VAR}${text}` }, { SET_VAR: value }, [], missing) as { a: string };
        expect(out.a).toContain(value);
      }),
      { numRuns: 300 },
    );
  });
});
