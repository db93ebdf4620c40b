import { spawnSync } from 'node:child_process';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForAccessLines } from '../helpers/gateway.ts';
import { CLIENT_KEY, scrape, startStack, type Stack } from './observe-helpers.ts';

/**
 * promtool's lint findings we accept, each on prom-client's default process metrics (their names are
 * fixed by prom-client and shared by every Node.js exporter). Anything on a breakwater_* metric fails.
 */
const ALLOWED = [/^process_/, /^nodejs_/];

describe('when promtool lints a real scrape, then breakwater metrics have no findings', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });

  it('passes `promtool check metrics` apart from allowlisted default-metric findings', async () => {
    const client = new OpenAI({ baseURL: stack.gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await waitForAccessLines(stack.gw, 1);
    const { text } = await scrape(stack.gw);

    const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // Not a skip: CI installs prometheus (.ci/run); a missing promtool is a broken environment.
    expect(run.error, 'promtool not found: apt-get install prometheus').toBeUndefined();
    const findings = `${run.stdout}${run.stderr}`.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
    const unexpected = findings.filter((finding) => !ALLOWED.some((allowed) => allowed.test(finding)));
    expect(unexpected).toEqual([]);
    if (findings.length === 0) expect(run.status).toBe(0);
  });
});
