// Built-output plumbing for the end-to-end tests: the real builds (once per source state), a static server under a strict CSP, a violation collector.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tabTo, waitForInterview } from './app-harness.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The policy the built app and the embedding page are tested under: no eval, no inline script, Trusted Types for
 * every DOM script sink. No `trusted-types` directive, so Lit may create its own 'lit-html' policy. The app keeps
 * style-src 'unsafe-inline' because the comparison's swatches are style attributes; the embedding page (interview
 * elements only) is tested without it, the strictest policy those elements work under.
 */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'";
export const STRICTEST_CSP = STRICT_CSP.replace("style-src 'self' 'unsafe-inline'", "style-src 'self'");

// ---------------------------------------------------------------------------------------------------------------
// Building

export interface Built {
  /** A copy of `npm run build`'s dist/ with the package.json it ships with (and node_modules linked): the package. */
  pkg: string;
  dist: string;
  /** A copy of `npm run build:app`'s dist-app/. */
  app: string;
}

/** What the two builds read. Same content, same output: a later test file (or run) reuses the copy. */
const INPUT_DIRS = ['src', 'instruments'];
// This file too: it decides how the builds are made.
const INPUT_FILES = ['package.json', 'package-lock.json', 'vite.config.ts', 'vite.app.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'tests/e2e/built-harness.ts'];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [...INPUT_DIRS.flatMap((d) => filesUnder(join(ROOT, d))), ...INPUT_FILES.map((f) => join(ROOT, f))]) {
    if (!existsSync(file)) continue;
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function run(command: string, args: string[]): Promise<void> {
  // Without vitest's NODE_ENV=test: with it Vite builds for development (Lit's dev build), not what ships.
  const { NODE_ENV: _, ...env } = process.env;
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`))));
  });
}

const CACHE = join(tmpdir(), 'asi-interview-built', createHash('sha256').update(ROOT).digest('hex').slice(0, 8));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` holding a lock on this checkout's dist/ and dist-app/: another test run in the same working tree (a
 * colleague's `npm test`) would otherwise empty them mid-build. A lock left by a dead process is taken over.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(CACHE, 'lock');
  mkdirSync(CACHE, { recursive: true });
  for (let waited = 0; ; waited += 1000) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : NaN);
      // No pid yet: the holder is between mkdir and write; give it time before calling the lock stale.
      if ((Number.isFinite(pid) && !alive(pid)) || (!Number.isFinite(pid) && waited > 10_000)) rmSync(lock, { recursive: true, force: true });
      else if (waited > 15 * 60_000) throw new Error(`The build lock ${lock} has been held by process ${pid} for 15 minutes`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

let built: Promise<Built> | undefined;

/**
 * Runs `npm run build` and `npm run build:app` and returns private copies of their output, so that a build started
 * elsewhere later cannot change what this test serves. Reused when the sources are unchanged since a previous build.
 */
export function buildOnce(): Promise<Built> {
  return (built ??= withBuildLock(async () => {
    const before = sourceHash();
    const at = (dir: string): Built => ({ pkg: join(dir, 'pkg'), dist: join(dir, 'pkg', 'dist'), app: join(dir, 'app') });
    const target = join(CACHE, before);
    const marker = join(target, 'complete');
    if (existsSync(marker)) {
      utimesSync(marker, new Date(), new Date()); // in use: see the pruning below
      return at(target);
    }
    // Copies of other source states unused for hours (a run serving one has long finished), and one-off copies
    // (<hash>-<pid>-<time>, see below) of processes that have ended.
    for (const name of readdirSync(CACHE)) {
      const used = join(CACHE, name, 'complete');
      const path = join(CACHE, name);
      const owner = /^[0-9a-f]+-(\d+)-\d+$/.exec(name)?.[1];
      const stale = owner ? !alive(Number(owner)) : Date.now() - statSync(existsSync(used) ? used : path).mtimeMs > 6 * 3600_000;
      if (name !== 'lock' && stale) rmSync(path, { recursive: true, force: true });
    }
    await run('npm', ['run', 'build']);
    await run('npm', ['run', 'build:app']);
    const staging = join(CACHE, `${before}-${process.pid}-${Date.now()}`);
    cpSync(join(ROOT, 'dist'), join(staging, 'pkg', 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(staging, 'pkg', 'package.json'));
    // The copied package resolves its dependencies (lit, zod, …) from this checkout, as an installed package would.
    symlinkSync(join(ROOT, 'node_modules'), join(staging, 'pkg', 'node_modules'), 'dir');
    cpSync(join(ROOT, 'dist-app'), join(staging, 'app'), { recursive: true });
    // Sources edited during the build: use this copy now, but never let a later run take it for the edited state.
    if (sourceHash() !== before) return at(staging);
    rmSync(target, { recursive: true, force: true }); // a copy left incomplete by a crash
    renameSync(staging, target);
    writeFileSync(marker, new Date().toISOString());
    return at(target);
  }));
}

/** Every .js file under `dir`, as paths relative to it. */
export function jsFiles(dir: string): string[] {
  return filesUnder(dir)
    .filter((f) => /\.m?js$/.test(f))
    .map((f) => relative(dir, f));
}

// ---------------------------------------------------------------------------------------------------------------
// An embedding page of the built package

const HOST_HTML = `<!doctype html>
<html lang="sv">
  <head>
    <meta charset="utf-8" />
    <title>host page</title>
    <script type="module" src="./main.js"></script>
  </head>
  <body>
    <h1>A host system's page</h1>
  </body>
</html>
`;

/** The host's script: what the README tells an integrator to write, with the data a test put on window.__hostSetup. */
const HOST_MAIN = `import 'asi-interview/define';

const setup = window.__hostSetup ?? {};
const now = new Date().toISOString();
const el = document.createElement('asi-interview');
el.setAttribute('round', setup.round ?? 'intake');
el.instrument = setup.instrument ?? 'demo';
if (setup.overlays) el.overlays = setup.overlays;
el.client = { id: 'c-42', code: setup.clientCode ?? 'K-042', sex: 'female', birthYear: 1984, createdAt: now, updatedAt: now };
el.interviewer = setup.interviewer ?? 'anna.s';
el.addEventListener('asi-error', (e) => (window.__asiError = e.detail));
el.addEventListener('asi-complete', (e) => (window.__asiComplete = e.detail));
document.body.append(el);
`;

let host: Promise<string> | undefined;

/** Bundles the host page with Vite's build API against the copied package (bare imports as an installed package). */
export function buildHostPage(pkg: string): Promise<string> {
  return (host ??= withBuildLock(async () => {
    const dir = join(pkg, '..', `host-${createHash('sha256').update(HOST_HTML + HOST_MAIN).digest('hex').slice(0, 8)}`);
    const out = join(dir, 'out');
    if (existsSync(join(dir, 'complete'))) return out;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), HOST_HTML);
    writeFileSync(join(dir, 'main.js'), HOST_MAIN);
    symlinkSync(pkg, join(dir, 'node_modules', 'asi-interview'), 'dir');
    // Vite's build API in a child process, for the same reason as run()'s environment: a production build.
    const options = { root: dir, configFile: false, logLevel: 'error', build: { outDir: out, emptyOutDir: true, target: 'es2022' } };
    await run(process.execPath, ['--input-type=module', '-e', `const { build } = await import('vite'); await build(${JSON.stringify(options)});`]);
    writeFileSync(join(dir, 'complete'), new Date().toISOString());
    return out;
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Serving

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** A static file server for `root` on 127.0.0.1 at a free port, sending `csp` with every response. */
export async function serveStatic(root: string, csp: string): Promise<StaticServer> {
  const base = resolve(root);
  const server: Server = createServer((req, res) => {
    const headers = { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return void res.writeHead(400, headers).end();
    }
    let file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) return void res.writeHead(403, headers).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Browser and what a page reports

const executablePath = [process.env.CHROME_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && existsSync(p));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: executablePath!,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface Violation {
  directive: string;
  blockedURI: string;
  sample: string;
  source: string;
}

export interface Watch {
  /** securitypolicyviolation events, from the document and from inside shadow roots, across reloads. */
  violations: Violation[];
  /** Console messages about CSP or Trusted Types, uncaught page errors, dialogs (alert, confirm, prompt). */
  console: string[];
  errors: string[];
  dialogs: string[];
  /** Requests to any origin but `origin`. */
  foreign: string[];
}

/**
 * Starts collecting on `page` before its first navigation. The listener is an init script, so it is installed before
 * any page script in every document; it listens in the capture phase on the document, where the event arrives
 * from inside shadow roots too (it is composed), and reports through a binding, so nothing is lost on reload.
 */
export async function watch(page: Page, origin: string): Promise<Watch> {
  const w: Watch = { violations: [], console: [], errors: [], dialogs: [], foreign: [] };
  await page.exposeBinding('__reportCspViolation', (_source, v: Violation) => void w.violations.push(v));
  await page.addInitScript(() => {
    const report = (window as unknown as { __reportCspViolation(v: unknown): void }).__reportCspViolation;
    document.addEventListener(
      'securitypolicyviolation',
      (e) => report({ directive: e.effectiveDirective || e.violatedDirective, blockedURI: e.blockedURI, sample: e.sample, source: `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` }),
      true,
    );
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Trusted ?Type|Refused to/i.test(m.text())) w.console.push(m.text());
  });
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('dialog', (d) => (w.dialogs.push(`${d.type()}: ${d.message()}`), void d.dismiss()));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) w.foreign.push(r.url());
  });
  return w;
}

// ---------------------------------------------------------------------------------------------------------------
// The app, by keyboard

/** Registers a client in the app's client list (code, sex male, birth year) and waits for the client's page. */
export async function registerClient(page: Page, code: string): Promise<void> {
  await tabTo(page, (f) => f === 'input[name=code]');
  await page.keyboard.insertText(code);
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // sex: unknown -> female
  await page.keyboard.press('ArrowDown'); // female -> male
  await page.keyboard.press('Tab');
  await page.keyboard.type('1985');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/client\//, { timeout: 60_000 });
}

/** On a client's page: starts the first instrument's first round (the demo intake) and waits for the interview. */
export async function startFirstRound(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=round] option'), null, { timeout: 60_000 });
  await tabTo(page, (f) => f.startsWith('button:Starta'));
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/client\/[^/]+\/interview\//, { timeout: 60_000 });
  await waitForInterview(page);
}

/** zod's global configuration as the page's bundle left it (zod keeps it on globalThis). */
export function zodJitless(page: Page): Promise<unknown> {
  return page.evaluate(() => (globalThis as unknown as { __zod_globalConfig?: { jitless?: boolean } }).__zod_globalConfig?.jitless);
}
