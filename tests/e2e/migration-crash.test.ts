// Crash mid-migration (reliability item 13): the v1 fixture grown to thousands of records in Chromium, the browser's process group SIGKILLed while the upgrade to v2 runs, relaunched: wholly old or wholly new, never a mix.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbFixture, MigrationVerdict } from '../fixtures/db/fixture-db.js';
import { crashPage, type Signals } from './crash-page.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Handed to the page as text (playwright's argument types cannot follow the fixture's record type). */
const V1_TEXT = readFileSync(join(repo, 'tests/fixtures/db/v1.json'), 'utf8');
const V1 = JSON.parse(V1_TEXT) as DbFixture;
/** Each of the fixture's 8 interviews repeated this often, with its answers, events and scores: enough for an upgrade of a second or more. */
const COPIES = Number(process.env.MIGRATION_COPIES ?? 40);
/**
 * When each kill comes, as a share of how long an uninterrupted upgrade took: from just after it started to about its
 * end, and one after it (the commit must then survive the kill: wholly new).
 */
const MOMENTS = [0.05, 0.3, 0.6, 0.9, 1.5];
/** Generous on a loaded 2-core machine: a slow page is not a failure of the migration. */
const WAIT_MS = 60_000;

declare global {
  interface Window {
    /** The page's modules, served by Vite from the checkout: the fixture loader and today's store. */
    __migrationModules?: { fixtures: typeof import('../fixtures/db/fixture-db.js'); store: typeof import('../../src/core/storage/idb-store.js') };
    /** The test's binding: the page reports an upgrade's moments through it. */
    __migration(what: string): Promise<void>;
  }
}

/**
 * A blank page of the server's origin that imports the fixture loader and today's store. A module script of the page
 * rather than import() in page.evaluate: vitest rewrites a test file's dynamic imports, also inside those functions.
 */
const PAGE = `<!doctype html><html lang="en"><title>migration crash</title><body><script type="module">
import * as fixtures from '/tests/fixtures/db/fixture-db.ts';
import * as store from '/src/core/storage/idb-store.ts';
window.__migrationModules = { fixtures, store };
</script></body></html>`;

const harness = crashPage({ name: 'migration-crash', html: PAGE, binding: '__migration', ready: '__migrationModules' });
beforeAll(() => harness.start());
afterAll(() => harness.stop());
const newBrowser = () => harness.newBrowser();
/**
 * What the page reports through the binding `__migration`, as "<what>:<database>": 'started' at upgradeneeded and
 * 'done' when the store opened (named per database, so one upgrade's signals are never taken for another's).
 */
const openPage = (page: Page): Promise<Signals> => harness.openPage(page);

/** Writes the v1 fixture, grown to COPIES times its interviews, into a new v1 database `name`; returns its record count. */
function loadV1(page: Page, name: string): Promise<number> {
  return page.evaluate(
    async ({ fixture, name, copies }) => {
      const m = window.__migrationModules!.fixtures;
      const raw = m.replicateInterviews(m.fixtureToRaw(JSON.parse(fixture)), copies);
      await m.writeDatabase(indexedDB, name, raw);
      return Object.values(raw.stores).reduce((sum, records) => sum + records.length, 0);
    },
    { fixture: V1_TEXT, name, copies: COPIES },
  );
}

/**
 * Starts today's store on `name` (the upgrade from v1) without waiting for it: the factory handed to the store is
 * indexedDB with the page's signals around `open`. Returns once the request is made; 'started' and 'done' follow.
 */
function startUpgrade(page: Page, name: string): Promise<void> {
  return page.evaluate(
    async ({ name }) => {
      const { openIdbStore } = window.__migrationModules!.store;
      const signal = (what: string) => window.__migration(what);
      const factory = {
        open: (n: string, version?: number) => {
          const request = indexedDB.open(n, version);
          // Added before the store's own listener, so it fires first: the moment the versionchange transaction begins.
          request.addEventListener('upgradeneeded', () => void signal(`started:${n}`));
          return request;
        },
      } as IDBFactory;
      void openIdbStore({ name, factory }).then(
        (store) => (store.close(), signal(`done:${name}`)),
        (error: unknown) => signal(`failed:${name}: ${String(error)}`),
      );
    },
    { name },
  );
}

/** The database `name` now, judged against the v1 database it was loaded as (read without opening it at a version). */
function judge(page: Page, name: string): Promise<MigrationVerdict> {
  return page.evaluate(
    async ({ fixture, name, copies }) => {
      const m = window.__migrationModules!.fixtures;
      const before = m.replicateInterviews(m.fixtureToRaw(JSON.parse(fixture)), copies);
      return m.judgeMigration(before, await m.dumpDatabase(indexedDB, name));
    },
    { fixture: V1_TEXT, name, copies: COPIES },
  );
}

interface Outcome {
  kill: number;
  afterMs: number;
  /** Whether the page had reported the store open (the upgrade committed) before the kill was sent. */
  openedBeforeKill: boolean;
  verdict: MigrationVerdict;
}

describe('a crash in the middle of the v1 → v2 migration', () => {
  it(`leaves the store wholly v1 or wholly v2 over ${MOMENTS.length} kills, and it migrates when opened again`, async () => {
    const chrome = newBrowser();
    let { page } = await chrome.launch();
    let signals = await openPage(page);
    const records = await loadV1(page, 'calibrate');
    expect(records).toBeGreaterThan(20_000);

    // How long an uninterrupted upgrade takes here and now: the kills are placed along it.
    await startUpgrade(page, 'calibrate');
    const upgradeMs = (await signals.next('done:calibrate')) - (await signals.next('started:calibrate'));
    expect((await judge(page, 'calibrate')).state).toBe('new');

    const outcomes: Outcome[] = [];
    for (const [k, moment] of MOMENTS.entries()) {
      const name = `crash-${k + 1}`;
      await loadV1(page, name);
      await startUpgrade(page, name);
      await signals.next(`started:${name}`);
      const afterMs = Math.round(moment * upgradeMs);
      await new Promise((r) => setTimeout(r, afterMs));
      const openedBeforeKill = signals.seen.has(`done:${name}`);
      await chrome.kill();
      ({ page } = await chrome.launch());
      signals = await openPage(page);
      outcomes.push({ kill: k + 1, afterMs, openedBeforeKill, verdict: await judge(page, name) });
    }

    const old = outcomes.filter((o) => o.verdict.state === 'old').length;
    const migrated = outcomes.filter((o) => o.verdict.state === 'new').length;
    console.log(
      `migration crash: ${records} records, uninterrupted upgrade ${upgradeMs} ms; ${outcomes.length} kills: ${old} wholly v1, ${migrated} wholly v2, ` +
        `${outcomes.length - old - migrated} mixed\n` +
        outcomes.map((o) => `  kill ${o.kill} at ${o.afterMs} ms: ${o.verdict.state}${o.openedBeforeKill ? ' (store had opened)' : ''}`).join('\n'),
    );
    expect(outcomes.filter((o) => o.verdict.state === 'mixed').map((o) => o.verdict.problems)).toEqual([]);
    // A kill before the page saw the store open must have hit the upgrade; at least one did, or nothing was tested.
    expect(outcomes.filter((o) => !o.openedBeforeKill).length).toBeGreaterThan(0);
    // The first kills come long before an upgrade can have committed: at least one found the store wholly v1.
    expect(old).toBeGreaterThan(0);
    // A store the page had seen open is migrated for good: the commit survives the kill.
    for (const o of outcomes.filter((x) => x.openedBeforeKill)) expect(o.verdict.state).toBe('new');

    // Opened normally, each database finishes (or has) its migration and reads back through the store.
    for (const o of outcomes) {
      const name = `crash-${o.kill}`;
      const result = await page.evaluate(
        async ({ name, ids }) => {
          const { openIdbStore } = window.__migrationModules!.store;
          const store = await openIdbStore({ name });
          try {
            const reports = await Promise.all(ids.map((id) => store.verifyInterview(id)));
            return { interviews: (await store.listInterviews()).length, failed: reports.filter((r) => !r.ok).map((r) => r.interviewId), marker: !!(await store.marker()) };
          } finally {
            store.close();
          }
        },
        { name, ids: V1.stores.interviews!.map((r) => r.key as string) },
      );
      expect(result).toEqual({ interviews: V1.stores.interviews!.length * COPIES, failed: [], marker: true });
      expect((await judge(page, name)).state).toBe('new');
    }
    await chrome.kill();
  }, 300_000);

  it('notices a migration that is not one transaction: killed halfway, the store is a mix', async () => {
    const chrome = newBrowser();
    let { page } = await chrome.launch();
    let signals = await openPage(page);
    await loadV1(page, 'not-atomic');
    await page.evaluate(
      async ({ name }) => {
        const m = window.__migrationModules!.fixtures;
        void m.migrateHalfOutsideUpgrade(indexedDB, name, () => void window.__migration(`halfway:${name}`));
      },
      { name: 'not-atomic' },
    );
    await signals.next('halfway:not-atomic');
    await chrome.kill();
    ({ page } = await chrome.launch());
    signals = await openPage(page);
    const verdict = await judge(page, 'not-atomic');
    expect(verdict.state).toBe('mixed');
    expect(verdict.version).toBe(2);
    expect(verdict.interviewsNew).toBeGreaterThan(0);
    expect(verdict.interviewsOld).toBeGreaterThan(0);
    await chrome.kill();
  }, 120_000);
});
