import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * A real browser for the console tests: playwright-core from the test-only client package
 * (scripts/ensure-test-clients.sh) driving Debian's chromium (scripts/ensure-test-deps.sh), offline,
 * headless, with a fresh profile (playwright's launch makes a temporary one each time). Only the few calls the tests use are typed here, so the main
 * typecheck does not need the client package installed.
 */
const PLAYWRIGHT = join(dirname(fileURLToPath(import.meta.url)), '..', 'clients', 'node_modules', 'playwright-core', 'index.mjs');
export const CHROMIUM = '/usr/bin/chromium';

export interface Locator {
  textContent(): Promise<string | null>;
  innerText(): Promise<string>;
  count(): Promise<number>;
  fill(value: string): Promise<void>;
  click(): Promise<void>;
  press(key: string): Promise<void>;
  first(): Locator;
  waitFor(options?: { state?: 'attached' | 'visible'; timeout?: number }): Promise<void>;
}

export interface Page {
  goto(url: string): Promise<unknown>;
  locator(selector: string): Locator;
  content(): Promise<string>;
  evaluate<T>(fn: () => T): Promise<T>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  /** A function, never a string: the console's CSP forbids eval, which a string predicate needs. */
  waitForFunction<A>(fn: (arg: A) => unknown, arg: A, options?: { timeout?: number; polling?: number }): Promise<unknown>;
  on(event: 'console', listener: (message: { type(): string; text(): string }) => void): void;
  on(event: 'pageerror', listener: (error: Error) => void): void;
  on(event: 'framenavigated', listener: () => void): void;
  on(event: 'requestfailed', listener: (request: { url(): string }) => void): void;
  keyboard: { press(key: string): Promise<void> };
}

export interface BrowserContext {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface Browser {
  newContext(options?: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Launches headless chromium; throws (never skips) when the browser or the driver is missing. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-test-deps.sh (apt-get install chromium)`);
  if (!existsSync(PLAYWRIGHT)) throw new Error(`playwright-core is missing at ${PLAYWRIGHT}: run scripts/ensure-test-clients.sh`);
  const { chromium } = (await import(PLAYWRIGHT)) as { chromium: { launch(options: object): Promise<Browser> } };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}
