// Refreshes the console screenshots in docs/images/ from a real run of `breakwater demo`, in headless
// chromium (`npm run docs:screenshots`; needs scripts/ensure-test-deps.sh and ensure-test-clients.sh).
// Waits until the demo's regional outage has opened a breaker, so the pictures show the gateway at work.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchBrowser } from '../test/console/browser.ts';

const root = new URL('..', import.meta.url).pathname;
const images = `${root}docs/images`;
mkdirSync(images, { recursive: true });

const demo = spawn(process.execPath, [`${root}dist/main.js`, 'demo', '--duration', '90', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
demo.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
const { browser, close } = await launchBrowser();
try {
  while (!/Admin key +\S+/.test(out)) await sleep(100);
  const url = /Console +(\S+)/.exec(out)![1]!;
  const admin = /Admin key +(\S+)/.exec(out)![1]!;
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('#login').waitFor();
  await page.screenshot({ path: `${images}/console-login.png` });
  await page.locator('#key').fill(admin);
  await page.locator('button[type="submit"]').click();
  await page.locator('#requests').waitFor();
  // The outage starts at 30% of the run; give the charts that long to fill, then wait for the open breaker.
  await page.waitForFunction(() => document.querySelector('#breakers [data-upstream="regional"] .state')?.textContent === 'open', undefined, { timeout: 60_000, polling: 500 });
  await sleep(3_000);
  await page.screenshot({ path: `${images}/console.png` });
  await page.screenshot({ path: `${images}/console-full.png`, fullPage: true });
  console.log(`wrote ${images}/console.png, console-full.png, console-login.png`);
} finally {
  await close();
  demo.kill('SIGINT');
}
