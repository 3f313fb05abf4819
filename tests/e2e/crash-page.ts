// For the crash tests: a blank page of the checkout served by Vite, Chromium profiles to kill, and a binding through which the page signals its moments.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { KilledBrowser } from './kill-harness.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Generous on a loaded 2-core machine: a slow page is not a failure of what is tested. */
const WAIT_MS = 60_000;

/** What the page reported, by name ("<what>:<database>"), and a wait for the next one. */
export interface Signals {
  next(what: string): Promise<number>;
  seen: Map<string, number>;
}

export interface CrashPage {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A Chromium on a new persistent profile for one test: a test that fails midway cannot leave its browser to the next. */
  newBrowser(): KilledBrowser;
  /**
   * Opens the blank page with the binding, and waits until its module has loaded. Signals arrive as "<what>:<database>";
   * a "failed:…" signal fails every pending wait at once with the page's error, rather than a time-out. Times are when
   * Node received them (a few milliseconds after the page sent them).
   */
  openPage(page: Page): Promise<Signals>;
}

export interface CrashPageOptions {
  /** Names the server plugin and the temporary directories. */
  name: string;
  /** The page: a module script that imports what it needs from the checkout and sets `window[ready]`. */
  html: string;
  /** The name of the binding the page calls with its signals. */
  binding: string;
  /** The global the page's module sets once loaded. */
  ready: string;
}

export function crashPage(options: CrashPageOptions): CrashPage {
  let server: ViteDevServer | undefined;
  let baseUrl = '';
  // Its own dependency cache: the app's servers of other tests (and people) use node_modules/.vite.
  const cacheDir = mkdtempSync(join(tmpdir(), `asi-${options.name}-vite-`));
  const browsers: KilledBrowser[] = [];
  const blankPage: Plugin = {
    name: `${options.name}-blank-page`,
    configureServer(dev) {
      dev.middlewares.use((req, res, next) => {
        if (req.url !== '/') return next();
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(options.html);
      });
    },
  };
  return {
    async start() {
      server = await createServer({
        configFile: false,
        root: repo,
        cacheDir,
        appType: 'custom',
        plugins: [blankPage],
        // idb bundled up front: discovered on first import, it would make Vite reload the page mid-test.
        optimizeDeps: { include: ['idb'], noDiscovery: true },
        server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null, hmr: false },
        logLevel: 'error',
      });
      await server.listen();
      const address = server.httpServer!.address();
      if (!address || typeof address === 'string') throw new Error('Vite did not listen on a TCP port');
      baseUrl = `http://127.0.0.1:${address.port}/`;
    },
    async stop() {
      // Also after a failure or a timeout: no Chromium group, server or temp directory is left behind.
      for (const chrome of browsers) {
        await chrome.kill().catch(() => undefined);
        rmSync(chrome.profile, { recursive: true, force: true });
      }
      await server?.close().catch(() => undefined);
      rmSync(cacheDir, { recursive: true, force: true });
    },
    newBrowser() {
      browsers.push(new KilledBrowser(mkdtempSync(join(tmpdir(), `asi-${options.name}-`))));
      return browsers.at(-1)!;
    },
    async openPage(page) {
      const seen = new Map<string, number>();
      const waiting = new Map<string, { ok(at: number): void; fail(error: Error): void }>();
      await page.exposeBinding(options.binding, (_source, what: string) => {
        const at = Date.now();
        seen.set(what, at);
        if (what.startsWith('failed:')) for (const w of waiting.values()) w.fail(new Error(`The page reported ${what}`));
        waiting.get(what)?.ok(at);
      });
      await page.goto(baseUrl);
      await page.waitForFunction((ready) => (window as unknown as Record<string, unknown>)[ready] !== undefined, options.ready, { timeout: WAIT_MS });
      return {
        seen,
        next: (what) =>
          new Promise((ok, fail) => {
            if (seen.has(what)) return ok(seen.get(what)!);
            const timer = setTimeout(() => fail(new Error(`The page never signalled "${what}"`)), WAIT_MS);
            waiting.set(what, { ok: (at) => (clearTimeout(timer), ok(at)), fail: (error) => (clearTimeout(timer), fail(error)) });
          }),
      };
    },
  };
}
