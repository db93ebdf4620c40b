/**
 * In a real browser (headless chromium): a gateway key cannot sign in; the admin can, and the page
 * loads with no console errors, shows traffic within seconds without a reload, shows an open
 * breaker, and never shows a marker sent in a prompt or any key.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../src/auth/key-store.ts';
import { afterFile, fakeUpstream, gatewayProcess } from '../helpers/stack.ts';
import { launchBrowser, type Page } from './browser.ts';

/** The page's globals as the predicates below use them: they run in the browser, not in this process. */
interface PageNode {
  readonly textContent: string | null;
}
declare const document: { getElementById(id: string): PageNode | null; querySelector(selector: string): PageNode | null; querySelectorAll(selector: string): { readonly length: number } };
declare const window: Record<string, unknown>;

const ADMIN = 'browser-admin-key-1234567890';
const TEAM = 'browser-team-key-1234567890';
const UPSTREAM_KEY = 'sk-browser-upstream-secret';
const MARKER = 'MARKER-IN-PROMPT-5d2e81';
/** Screenshots go here; set BREAKWATER_SCREENSHOTS=docs/images to refresh the ones the docs show. */
const SHOTS = process.env.BREAKWATER_SCREENSHOTS ?? join(tmpdir(), 'breakwater-console-shots');

const fake = await fakeUpstream();
const gateway = await gatewayProcess({
  config: {
    upstreams: [
      { name: 'primary', baseUrl: fake.baseUrl, apiKey: UPSTREAM_KEY },
      { name: 'flaky', baseUrl: fake.baseUrl, apiKey: UPSTREAM_KEY, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } },
    ],
    routes: [
      { match: 'gpt-4o-mini', targets: [{ upstream: 'primary' }] },
      { match: 'broken-model', targets: [{ upstream: 'flaky' }] },
    ],
    retry: { maxAttempts: 1 },
    keys: [{ name: 'team', hash: hashKey(TEAM), limits: { rpm: 600, concurrency: 4, dailyBudgetUsd: 5 } }],
    admin: { keyHash: hashKey(ADMIN) },
  },
});

/** Bounded background traffic while the page is open: a call every 150 ms for at most 60 s. */
let trafficRunning = true;
async function traffic(): Promise<void> {
  const until = Date.now() + 60_000;
  for (let i = 0; trafficRunning && Date.now() < until; i += 1) {
    const stream = i % 3 === 0;
    await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEAM}`, 'content-type': 'application/json', 'x-fake-delay-ms': String(20 + (i % 7) * 30), ...(stream ? { 'x-fake-chunk-delay-ms': '10' } : {}) },
      body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `please repeat ${MARKER}` }] }),
    }).then((a) => a.text()).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function tripBreaker(): Promise<void> {
  for (let i = 0; i < 4; i += 1) {
    await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEAM}`, 'content-type': 'application/json', 'x-fake-status': '503' },
      body: JSON.stringify({ model: 'broken-model', messages: [{ role: 'user', content: MARKER }] }),
    }).then((a) => a.text());
  }
}

const { browser, close } = await launchBrowser();
afterFile(close);
let page: Page;
const consoleErrors: string[] = [];
let navigations = 0;
let background: Promise<void>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  background = traffic();
});

afterAll(async () => {
  trafficRunning = false;
  await background;
});

async function signIn(key: string): Promise<void> {
  await page.locator('#key').fill(key);
  await page.locator('button[type="submit"]').click();
}

describe('the console in a browser', () => {
  it('when a person signs in with a gateway key, then the form refuses it and the console stays closed', async () => {
    await page.goto(`${gateway.url}/console`);
    await page.locator('#login').waitFor();
    await page.screenshot({ path: join(SHOTS, 'console-login.png') });
    await signIn(TEAM);
    await page.waitForFunction(() => document.getElementById('error')!.textContent!.includes('gateway key'), undefined, { timeout: 10_000 });
    expect(await page.locator('#requests').count()).toBe(0);
  });

  it('when the admin signs in, then the page shows traffic within seconds and keeps updating without a reload', async () => {
    // The refused sign-in above logged its 403; from here on the console page itself must log nothing.
    consoleErrors.length = 0;
    await signIn(ADMIN);
    await page.locator('#requests').waitFor({ timeout: 10_000 });
    page.on('framenavigated', () => (navigations += 1));
    await page.waitForFunction(() => document.querySelectorAll('#requests tbody tr:not(.placeholder)').length >= 3, undefined, { timeout: 10_000 });
    const firstTop = await page.locator('#requests tbody tr').first().textContent();
    await page.waitForFunction((first) => document.querySelector('#requests tbody tr')!.textContent !== first, firstTop, { timeout: 10_000 });
    expect(await page.locator('#t-rate').textContent()).not.toBe('–');
    expect(await page.locator('#c-traffic svg rect.ok').count()).toBeGreaterThan(0);
    expect(await page.locator('#limits tbody [role="meter"]').count()).toBe(3);
    expect(await page.locator('#status-text').textContent()).toBe('Live');
    expect(navigations).toBe(0);
  });

  it('when an upstream fails, then its breaker shows open', async () => {
    await tripBreaker();
    await page.waitForFunction(() => document.querySelector('#breakers [data-upstream="flaky"] .state')?.textContent === 'open', undefined, { timeout: 10_000 });
    expect(await page.locator('#breakers [data-upstream="primary"] .state').textContent()).toBe('closed');
    await page.waitForFunction(() => document.getElementById('errors')!.textContent!.includes('upstream 5xx'), undefined, { timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS, 'console-test.png'), fullPage: true });
  });

  it('never shows a marker sent in a prompt or any key, and logs no console error', async () => {
    const html = await page.content();
    const text = await page.locator('body').innerText();
    for (const secret of [MARKER, TEAM, ADMIN, UPSTREAM_KEY]) {
      expect(html).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
    expect(consoleErrors, consoleErrors.join("\n")).toEqual([]);
  });

  it('when a client sends markup as its model name, then the page shows it as text and runs nothing', async () => {
    const hostile = '<img src=x onerror="window.pwned=1">';
    await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEAM}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: hostile, messages: [{ role: 'user', content: 'hi' }] }),
    }).then((a) => a.text());
    await page.waitForFunction((text) => document.getElementById('requests')!.textContent!.includes(text), hostile, { timeout: 10_000 });
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    expect(await page.locator('#requests img').count()).toBe(0);
  });

  it('can be used with the keyboard: the pause button toggles with Enter', async () => {
    await page.locator('#pause').press('Enter');
    expect(await page.locator('#pause').textContent()).toBe('Resume updates');
    await page.locator('#pause').press('Enter');
    expect(await page.locator('#pause').textContent()).toBe('Pause updates');
  });
});
