// What ships: no eval in any built JS file, zod jitless in every build, and the built app and a host page of the built package run an interview under a strict CSP with Trusted Types.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';
import { answerCurrent, complete, position, waitForInterview } from './app-harness.js';
import {
  buildHostPage,
  buildOnce,
  jsFiles,
  launchChromium,
  registerClient,
  serveStatic,
  startFirstRound,
  STRICT_CSP,
  STRICTEST_CSP,
  watch,
  zodJitless,
  type Built,
  type Watch,
} from './built-harness.js';

/** The scan, unchanged: eval( , new Function, and a bare Function( call (not someFunction( or x.Function( ). */
const EVAL = /\beval\(|new Function|(?<![\w$.])Function\(/g;

let built: Built;
let browser: Browser;

beforeAll(async () => {
  built = await buildOnce();
  browser = await launchChromium();
}, 10 * 60_000);

afterAll(async () => {
  await browser?.close();
});

/** Runs the demo intake from the current item to the end with the keyboard, then completes it. */
async function runDemo(page: Page): Promise<void> {
  await waitForInterview(page);
  await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as { actor: { getSnapshot(): { context: { position: string | null } } } }).actor.getSnapshot().context.position, null, { timeout: 60_000 });
  while (await position(page)) await answerCurrent(page, (id) => DEMO_ANSWERS[id]!);
  await complete(page, /Slutför/);
}

function expectClean(w: Watch): void {
  expect(w.violations).toEqual([]);
  expect(w.console).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(w.dialogs).toEqual([]);
  expect(w.foreign).toEqual([]);
}

/**
 * The collector must see what it is there to see: a Trusted Types violation made inside a shadow root (innerHTML of a
 * string) reaches the document listener, so an empty list above means no violation, not a deaf listener.
 */
async function expectCollectorHears(page: Page, w: Watch): Promise<void> {
  const thrown = await page.evaluate(() => {
    const host = document.createElement('div');
    document.body.append(host);
    try {
      host.attachShadow({ mode: 'open' }).innerHTML = '<b>x</b>';
      return 'nothing thrown';
    } catch (error) {
      return String(error);
    }
  });
  expect(thrown).toMatch(/TrustedHTML/);
  await expect.poll(() => w.violations.map((v) => v.directive), { timeout: 30_000 }).toContain('require-trusted-types-for');
}

describe('built output', () => {
  it('has no eval, new Function or Function( in any .js file of dist/ and dist-app/', () => {
    const hits: string[] = [];
    for (const [name, dir] of [
      ['dist', built.dist],
      ['dist-app', built.app],
    ] as const) {
      const files = jsFiles(dir);
      // A scan of nothing would pass: both builds have the entry points and chunks the app and package need.
      expect(files.length, `${name} has JS files`).toBeGreaterThan(5);
      for (const file of files) {
        const text = readFileSync(join(dir, file), 'utf8');
        for (const m of text.matchAll(EVAL)) hits.push(`${name}/${file}: …${text.slice(Math.max(0, m.index - 80), m.index + 60)}…`);
      }
    }
    expect(hits).toEqual([]);
  });

  it('is the production build (Lit without its development mode), as npm run build:app makes it outside the tests', async () => {
    const host = await buildHostPage(built.pkg);
    for (const dir of [built.app, host]) {
      const files = jsFiles(dir);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(readFileSync(join(dir, file), 'utf8'), `${dir}/${file}`).not.toContain('Lit is in dev mode');
    }
  });

  it('keeps zod jitless in the library build when the package root is imported in Node', async () => {
    // A fresh Node process: zod's global config (kept on globalThis) is empty until the library's config module runs.
    const script = `await import(${JSON.stringify(pathToFileURL(join(built.dist, 'index.js')).href)}); console.log(JSON.stringify(globalThis.__zod_globalConfig ?? null));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 120_000 });
    expect(JSON.parse(stdout.trim())).toMatchObject({ jitless: true });
  });

  it('the built app runs a whole demo interview under the strict CSP with Trusted Types, without a violation', async () => {
    const server = await serveStatic(built.app, STRICT_CSP);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const w = await watch(page, server.url.slice(0, -1));
      await page.goto(server.url);
      await registerClient(page, 'BUILT-01');
      await startFirstRound(page);
      await runDemo(page);
      await page.waitForFunction(() => document.querySelector('asi-interview')?.shadowRoot?.textContent?.includes('Intervjun är slutförd'), null, { timeout: 60_000 });
      expect(await zodJitless(page)).toBe(true);
      // The lazily loaded evaluation chunk (client page: rounds, export) too.
      await page.goto(`${server.url}#/data`);
      await page.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('button'), null, { timeout: 60_000 });
      expectClean(w);
      await expectCollectorHears(page, w);
    } finally {
      await context.close();
      await server.close();
    }
  });

  it('a host page bundling the built package runs a whole demo interview under the strict CSP (style-src without unsafe-inline)', async () => {
    const out = await buildHostPage(built.pkg);
    const server = await serveStatic(out, STRICTEST_CSP);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const w = await watch(page, server.url.slice(0, -1));
      await page.goto(server.url);
      await runDemo(page);
      await page.waitForFunction(() => (window as unknown as { __asiComplete?: unknown }).__asiComplete, null, { timeout: 60_000 });
      expect(await zodJitless(page)).toBe(true);
      expectClean(w);
      await expectCollectorHears(page, w);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
