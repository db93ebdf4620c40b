/**
 * When the Dockerfile is parsed (dockerfile-ast; no Docker engine here), then it is multi-stage on
 * Node 24 slim, installs production dependencies only into the runtime image, runs as a non-root
 * numeric user, uses no ADD, exposes the gateway's default port, starts node in exec form (so
 * SIGTERM reaches it), has a HEALTHCHECK on /healthz, and .dockerignore keeps secrets and
 * build output out of the context.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { readRepoFile } from './ship-helpers.ts';

const source = readRepoFile('Dockerfile');
const dockerfile = DockerfileParser.parse(source);
const instructions = dockerfile.getInstructions();
const froms = dockerfile.getFROMs();
type Instruction = (typeof instructions)[number];
const lines = source.split('\n');

/** The instruction's text after its keyword, flags included, continuation lines joined. */
function text(i: Instruction): string {
  const { start, end } = i.getRange();
  const raw = lines.slice(start.line, end.line + 1);
  raw[raw.length - 1] = (raw[raw.length - 1] ?? '').slice(0, end.character);
  raw[0] = (raw[0] ?? '').slice(start.character);
  return raw.map((l) => l.replace(/\\$/, '').trim()).join(' ').replace(/^\S+\s+/, '').trim();
}

const keyword = (k: string): string[] => instructions.filter((i) => i.getKeyword() === k).map(text);

/** Instructions of the last (runtime) stage. */
function runtimeStage(): typeof instructions {
  const last = froms.at(-1);
  const start = last === undefined ? 0 : instructions.indexOf(last);
  return instructions.slice(start);
}

describe('Dockerfile', () => {
  it('is multi-stage and every stage is FROM node:24-slim', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      expect(from.getImageName()).toBe('node');
      expect(from.getImageTag()).toMatch(/^24(\.\d+)*(-bookworm|-trixie)?-slim$/);
      expect(from.getBuildStage()).toBeTruthy();
    }
  });

  it('builds with all dependencies but installs production dependencies only for the runtime', () => {
    const runs = keyword('RUN');
    expect(runs.some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit=dev'))).toBe(true);
    expect(runs.some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    const prod = runs.filter((r) => /\bnpm ci\b.*--omit=dev/.test(r));
    expect(prod.length).toBe(1);
    // node_modules in the runtime image come from the production-only install.
    const copies = runtimeStage().filter((i) => i.getKeyword() === 'COPY').map(text);
    const nodeModules = copies.filter((c) => c.includes('node_modules'));
    expect(nodeModules.length).toBe(1);
    const prodStage = froms.find((f) => {
      const start = instructions.indexOf(f);
      const next = froms[froms.indexOf(f) + 1];
      const end = next === undefined ? instructions.length : instructions.indexOf(next);
      return instructions.slice(start, end).some((i) => i.getKeyword() === 'RUN' && text(i).includes('--omit=dev'));
    });
    expect(nodeModules[0]).toContain(`--from=${prodStage?.getBuildStage() ?? '?'}`);
    // The runtime never installs anything itself and uses the base image's node, not the npm `node` package.
    expect(runtimeStage().filter((i) => i.getKeyword() === 'RUN')).toEqual([]);
  });

  it('uses no ADD', () => {
    expect(keyword('ADD')).toEqual([]);
  });

  it('runs as a numeric non-root user (so Kubernetes runAsNonRoot can verify it)', () => {
    const users = runtimeStage().filter((i) => i.getKeyword() === 'USER').map(text);
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1) ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user.split(':')[0]).not.toBe('0');
  });

  it('exposes the default port 8300', () => {
    expect(keyword('EXPOSE')).toEqual(['8300']);
  });

  it('starts node directly in exec form, so SIGTERM reaches the gateway', () => {
    const entry = dockerfile.getENTRYPOINTs().at(-1);
    const cmd = dockerfile.getCMDs().at(-1);
    const start = entry ?? cmd;
    expect(start).toBeDefined();
    const argv = start?.getJSONStrings().map((s) => s.getJSONValue()) ?? [];
    expect(argv.length).toBeGreaterThan(0);
    expect(argv).toEqual(['node', 'dist/main.js']);
    expect(argv[0]).not.toMatch(/^(sh|bash|\/bin\/sh|npm)$/);
    const stop = keyword('STOPSIGNAL');
    expect(stop.every((s) => s === 'SIGTERM')).toBe(true);
  });

  it('checks /healthz with a HEALTHCHECK that needs no curl', () => {
    const hc = keyword('HEALTHCHECK').at(-1) ?? '';
    expect(hc).toContain('/healthz');
    expect(hc).toContain('CMD ["node"');
  });

  it('ships the compiled code and the config folder, not the sources', () => {
    const copies = runtimeStage().filter((i) => i.getKeyword() === 'COPY').map(text);
    expect(copies.some((c) => /--from=build\s+\/app\/dist\s/.test(c))).toBe(true);
    expect(copies.some((c) => /^config\s/.test(c))).toBe(true);
    expect(copies.some((c) => /\bsrc\b/.test(c))).toBe(false);
  });

  it('.dockerignore keeps node_modules, build output, git and env files out of the context', () => {
    const ignore = readRepoFile('.dockerignore').split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', '.git', '.env', '.env.*', 'test']) expect(ignore).toContain(entry);
    for (const needed of ['src', 'config', 'package.json', 'package-lock.json', 'tsconfig.json']) expect(ignore).not.toContain(needed);
  });
});
