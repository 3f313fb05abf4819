// Encryption at rest in the real profile files (reliability item 16): canaries typed in the app are in Chromium's IndexedDB files without encryption, and nowhere with it.
import { randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDefinition, loadInstrument } from '../../src/core/definition/index.js';
import { answerCurrent, position, tabTo, waitForInterview } from './app-harness.js';
import { KilledBrowser, liveInGroup, startAppServer, startAsiGrund, typicalAsiAnswer } from './kill-harness.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The very module the app imports (Vite serves files outside the app's root under /@fs/), so this is the app's own store. */
const DEFAULT_STORE_URL = `/@fs${join(repo, 'src/elements/default-store.ts')}`;
/** Generous on this shared 2-core machine; nothing here is a timing assertion. */
const WAIT_MS = 30_000;
const PASSPHRASE = 'at-rest e2e passphrase';

/**
 * A random canary per run. Letters only and none of a–f: the files are full of hex (UUIDs, hashes), and LevelDB's
 * Snappy blocks encode a 4-byte repeat as a back-reference, which could split a hex-like canary and hide it.
 */
function canary(prefix: string): string {
  const letters = 'ghjkmnpqrstvwxyz';
  let text = prefix;
  for (let i = 0; i < 20; i++) text += letters[randomInt(letters.length)];
  return text;
}

/** Every file under `dir`, recursively (LevelDB's log and tables, the blob directory, whatever else Chromium keeps). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

interface Found {
  files: number;
  bytes: number;
  /** canary → "file (encoding)" for every hit. */
  hits: Record<string, string[]>;
}

/** Reads the profile's IndexedDB files as bytes and looks for each canary as UTF-8/ASCII and as UTF-16LE (V8 writes either). */
function searchIndexedDb(profile: string, canaries: string[]): Found {
  const root = join(profile, 'Default', 'IndexedDB');
  const files = filesUnder(root);
  const found: Found = { files: files.length, bytes: 0, hits: Object.fromEntries(canaries.map((c) => [c, []])) };
  for (const file of files) {
    const bytes = readFileSync(file);
    found.bytes += bytes.length;
    for (const c of canaries) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        if (bytes.includes(Buffer.from(c, encoding))) found.hits[c]!.push(`${relative(root, file)} (${encoding})`);
      }
    }
  }
  return found;
}

/**
 * Closes Chromium the way a user quitting it does (CDP Browser.close), so that IndexedDB and LevelDB shut down and
 * flush, and waits until every process of its group has ended on its own; the files are read only after that.
 */
async function closeCleanly(chrome: KilledBrowser): Promise<void> {
  const child = chrome.child!;
  const exited = new Promise<void>((ok) => (child.exitCode !== null || child.signalCode !== null ? ok() : child.once('exit', () => ok())));
  const cdp = await chrome.browser!.newBrowserCDPSession();
  await cdp.send('Browser.close').catch(() => undefined); // the connection may drop before the reply
  await Promise.race([exited, new Promise((_, fail) => setTimeout(() => fail(new Error('Chromium did not exit after Browser.close')), WAIT_MS))]);
  const deadline = Date.now() + WAIT_MS;
  while (liveInGroup(child.pid!).length) {
    if (Date.now() > deadline) throw new Error(`Chromium processes ${liveInGroup(child.pid!).join(' ')} still running after Browser.close`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await chrome.kill(); // nothing left to kill: only forgets the child and drops playwright's side of the connection
}

declare global {
  interface Window {
    __atRestStore?: import('../../src/core/storage/idb-store.js').IdbInterviewStore;
  }
}

/** Puts the app's shared default store on `window.__atRestStore`. A string, so that vitest does not rewrite the import(). */
async function grabStore(page: Page): Promise<void> {
  await page.evaluate(`import(${JSON.stringify(DEFAULT_STORE_URL)}).then(async (m) => { window.__atRestStore = await m.defaultStore(); })`);
}

/** The page's errors and failed requests, for the message when the app never shows what a step waits for. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url()}`));
  return problems;
}

/** Opens the app and takes hold of its store; `problems` collects what went wrong on the page since. */
async function openApp(page: Page, baseUrl: string): Promise<string[]> {
  const problems = watch(page);
  await page.goto(baseUrl);
  await grabStore(page);
  return problems;
}

interface Canaries {
  code: string;
  /** Typed first as G11's free text, then corrected: left only in the audit event's old value (and the first event's new). */
  first: string;
  /** The corrected free text: the answer, and the correction event's new value. */
  corrected: string;
}

interface Written {
  clientId: string;
  interviewId: string;
}

/** In the app: registers a client with the canary code, starts ASI Grund, types G11's free text and corrects it, all from the keyboard. */
async function writeCanaries(page: Page, problems: string[], canaries: Canaries): Promise<Written> {
  const asi = loadInstrument(await builtinDefinition('asi'));
  const typed = typicalAsiAnswer(asi);
  await page
    .waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.querySelector('input[name=code]'), undefined, { timeout: WAIT_MS })
    .catch((error: Error) => {
      const shown = problems.length ? problems.join('\n') : 'no page error or failed request';
      throw new Error(`The app showed no client form: ${error.message}\n${shown}`);
    });
  const { clientId, interviewId } = await startAsiGrund(page, undefined, canaries.code);

  // G4 … G9 with ordinary answers, then the free-text item G11 with the first canary.
  for (let i = 0; i < 10 && (await position(page)) !== 'G11'; i++) await answerCurrent(page, typed);
  expect(await position(page)).toBe('G11');
  await answerCurrent(page, () => canaries.first);
  expect(await position(page)).toBe('G12');
  // Back to G11 and correct it: the audit event of the change carries both canaries (old and new value).
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as { actor: { getSnapshot(): { context: { position: string } } } }).actor.getSnapshot().context.position === 'G11', undefined, {
    timeout: WAIT_MS,
  });
  await page.waitForFunction(
    () => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.id === 'answer-G11';
    },
    undefined,
    { timeout: WAIT_MS },
  );
  await page.keyboard.press('Control+A');
  await answerCurrent(page, () => canaries.corrected);
  expect(await position(page)).toBe('G12');
  // The element's background snapshot write too, before the browser is closed.
  await page.evaluate(() => (document.querySelector('asi-interview') as unknown as { settled(): Promise<void> }).settled());
  return { clientId: clientId!, interviewId: interviewId! };
}

interface ReadBack {
  code: string | undefined;
  g11: unknown;
  /** [old, new] of each G11 answer event. */
  g11Events: [unknown, unknown][];
}

/** What the app's store returns for the client and G11 (decrypted, if encrypted and unlocked). */
function readBack(page: Page, written: Written): Promise<ReadBack> {
  return page.evaluate(async ({ clientId, interviewId }) => {
    const store = window.__atRestStore!;
    const client = await store.getClient(clientId);
    const answers = await store.getAnswers(interviewId);
    const audit = await store.getAuditLog(interviewId);
    return {
      code: client?.code,
      g11: answers.find((a) => a.itemId === 'G11')?.value,
      g11Events: audit.filter((e) => e.type === 'answer' && e.itemId === 'G11').map((e) => [e.old, e.new] as [unknown, unknown]),
    };
  }, written);
}

function expectReadBack(read: ReadBack, canaries: Canaries): void {
  expect(read.code).toBe(canaries.code);
  expect(read.g11).toBe(canaries.corrected);
  expect(read.g11Events).toEqual([
    [null, canaries.first],
    [canaries.first, canaries.corrected],
  ]);
}

const newCanaries = (): Canaries => ({ code: canary('K'), first: canary('F'), corrected: canary('C') });
const all = (c: Canaries) => [c.code, c.first, c.corrected];

describe('encryption at rest in the profile files (reliability item 16)', () => {
  let server: ViteDevServer;
  let baseUrl: string;
  const profiles: string[] = [];
  const browsers: KilledBrowser[] = [];
  const newBrowser = () => {
    profiles.push(mkdtempSync(join(tmpdir(), 'asi-at-rest-')));
    browsers.push(new KilledBrowser(profiles.at(-1)!));
    return browsers.at(-1)!;
  };

  beforeAll(async () => {
    ({ server, baseUrl } = await startAppServer());
  });

  afterAll(async () => {
    // Also after a failure: no Chromium group, Vite server or temp profile is left behind.
    for (const chrome of browsers) await chrome.kill().catch(() => undefined);
    await server?.close();
    for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
  });

  it('control, encryption off: the grep finds every canary in the IndexedDB files (so finding none below means something)', async () => {
    const canaries = newCanaries();
    const chrome = newBrowser();
    const { page } = await chrome.launch();
    const problems = await openApp(page, baseUrl);
    expect(await page.evaluate(() => window.__atRestStore!.protection())).toBe('plain');
    const written = await writeCanaries(page, problems, canaries);
    expectReadBack(await readBack(page, written), canaries);
    await closeCleanly(chrome);

    const found = searchIndexedDb(chrome.profile, all(canaries));
    expect(found.files).toBeGreaterThan(0);
    for (const c of all(canaries)) expect(found.hits[c], `canary ${c} in ${found.files} files, ${found.bytes} bytes`).not.toEqual([]);
  });

  it('encryption on: no canary in any IndexedDB file, and after a relaunch the data reads back once unlocked', async () => {
    const canaries = newCanaries();
    const chrome = newBrowser();
    let { page } = await chrome.launch();
    const problems = await openApp(page, baseUrl);
    // Through the store API, on the app's own store, before anything is written (PBKDF2 at 600,000 iterations: ~1 s).
    await page.evaluate((passphrase) => window.__atRestStore!.enableEncryption(passphrase), PASSPHRASE);
    expect(await page.evaluate(() => window.__atRestStore!.protection())).toBe('unlocked');
    const written = await writeCanaries(page, problems, canaries);
    expectReadBack(await readBack(page, written), canaries);
    // The records really are sealed at rest (read past the store): the answer has no value field, only `sealed`.
    const raw = await page.evaluate(async (interviewId) => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const open = indexedDB.open('asi-interview');
        open.onsuccess = () => ok(open.result);
        open.onerror = () => fail(open.error);
      });
      try {
        const request = db.transaction('answers').objectStore('answers').get([interviewId, 'G11']);
        return await new Promise<Record<string, unknown> | undefined>((ok, fail) => ((request.onsuccess = () => ok(request.result)), (request.onerror = () => fail(request.error))));
      } finally {
        db.close();
      }
    }, written.interviewId);
    expect(Object.keys(raw ?? {}).sort()).toEqual(['interviewId', 'itemId', 'sealed']);
    await closeCleanly(chrome);

    const found = searchIndexedDb(chrome.profile, all(canaries));
    expect(found.files).toBeGreaterThan(0);
    expect(found.hits, `searched ${found.files} files, ${found.bytes} bytes`).toEqual(Object.fromEntries(all(canaries).map((c) => [c, []])));

    // Relaunched on the same profile: locked until unlocked, then everything reads back as it was typed.
    ({ page } = await chrome.launch());
    await openApp(page, baseUrl);
    expect(await page.evaluate(() => window.__atRestStore!.protection())).toBe('locked');
    const whileLocked = await page.evaluate((id) => window.__atRestStore!.getClient(id).then(() => 'read', (e: { code?: string }) => e.code ?? String(e)), written.clientId);
    expect(whileLocked).toBe('locked');
    await page.evaluate((passphrase) => window.__atRestStore!.unlock(passphrase), PASSPHRASE);
    expectReadBack(await readBack(page, written), canaries);
    await closeCleanly(chrome);
    // After the relaunch and unlock (Chromium reuses LevelDB's log, and may compact it into tables): still none.
    const again = searchIndexedDb(chrome.profile, all(canaries));
    expect(again.hits, `searched ${again.files} files after the relaunch`).toEqual(Object.fromEntries(all(canaries).map((c) => [c, []])));
  });
});
