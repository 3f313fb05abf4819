// End to end: the app reminds of backups, notices local data that was evicted or cleared, and clears the alarm once restored.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, tabTo, type Harness } from './app-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ watch: false });
});
afterAll(async () => {
  await harness?.close();
});

const PASS = 'säkerhetskopia för enheten';
const banner = (page: Page) => page.evaluate(() => document.querySelector('#continuity .continuity')?.textContent ?? '');
const exchange = (page: Page) => page.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('button'));
const status = (page: Page, prefix: string) =>
  page.waitForFunction((p) => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('[role=status]')?.textContent?.startsWith(p), prefix, { timeout: 60_000 });

/** Changes the app's database behind its back, as eviction or a "clear data" tool would. */
function damage(page: Page, how: 'one-client' | 'everything'): Promise<void> {
  return page.evaluate(
    (kind) =>
      new Promise<void>((resolve, reject) => {
        if (kind === 'everything') {
          const del = indexedDB.deleteDatabase('asi-interview');
          del.onsuccess = () => resolve();
          del.onerror = () => reject(del.error);
          return;
        }
        const open = indexedDB.open('asi-interview');
        open.onsuccess = () => {
          const tx = open.result.transaction('clients', 'readwrite');
          const cursor = tx.objectStore('clients').openCursor();
          cursor.onsuccess = () => void cursor.result?.delete();
          tx.oncomplete = () => (open.result.close(), resolve());
        };
      }),
    how,
  );
}

describe('lost data and backups', () => {
  it('reminds of a missing backup, notices an evicted record and an emptied store, and is quiet again after the restore', async () => {
    const context = await harness.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}#/data`);
    await exchange(page);
    await page.evaluate(() => document.querySelector('asi-data-exchange')!.setAttribute('demo-seed', 'e2e-continuity'));
    await tabTo(page, (f) => f.startsWith('button:Lägg till 40'), 80);
    await page.keyboard.press('Enter');
    await status(page, 'Inläst');

    // Completed interviews that no backup holds: a reminder on every page.
    await page.goto(`${harness.baseUrl}#/`);
    await page.waitForFunction(() => document.querySelector('#continuity .backup-due'));
    expect(await banner(page)).toMatch(/Ingen säkerhetskopia har gjorts här\. \d+ slutförda intervjuer finns inte i någon säkerhetskopia/);

    // An encrypted backup of everything ends the reminder.
    await page.goto(`${harness.baseUrl}#/data`);
    await exchange(page);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.evaluate((pass) => {
        const form = document.querySelector('asi-data-exchange')!.shadowRoot!.querySelector<HTMLFormElement>('form.sealed')!;
        form.querySelector<HTMLInputElement>('[name=passphrase]')!.value = pass;
        form.querySelector<HTMLInputElement>('[name=repeat]')!.value = pass;
        form.requestSubmit();
      }, PASS),
    ]);
    const backup = await readFile((await download.path())!, 'utf8');
    await page.goto(`${harness.baseUrl}#/`);
    await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.querySelector('li, tr'));
    expect(await banner(page)).toBe('');

    // One client record evicted behind the app's back: noticed at the next start.
    await damage(page, 'one-client');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#continuity .lost'));
    expect(await banner(page)).toContain('den här webbläsaren hade 40 klienter');
    expect(await banner(page)).toContain('nu finns 39 klienter');

    // The whole database gone (a new, empty one is made at the next start): noticed, not an empty list in silence.
    await damage(page, 'everything');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#continuity .lost'));
    expect(await banner(page)).toContain('nu finns 0 klienter och 0 intervjuer');

    // Restore from the banner's link: the encrypted backup, its passphrase, and the alarm is over.
    await page.click('#continuity a');
    await page.waitForURL(/#\/data$/);
    await exchange(page);
    await page.evaluate(
      ({ text, pass }) => {
        const form = document.querySelector('asi-data-exchange')!.shadowRoot!.querySelector<HTMLFormElement>('[part=import] form')!;
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], 'backup.encrypted.json', { type: 'application/json' }));
        form.querySelector<HTMLInputElement>('input[type=file]')!.files = transfer.files;
        form.querySelector<HTMLInputElement>('[name=passphrase]')!.value = pass;
        form.requestSubmit();
      },
      { text: backup, pass: PASS },
    );
    await status(page, 'Inläst: 40 klienter').catch(async (error: unknown) => {
      const shown = await page.evaluate(() => document.querySelector('asi-data-exchange')?.shadowRoot?.textContent?.replace(/\s+/g, ' '));
      throw new Error(`${String(error)}; the page shows: ${shown}`);
    });
    await page.goto(`${harness.baseUrl}#/`);
    await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.querySelector('li, tr'));
    expect(await banner(page)).not.toContain('saknas');
    await context.close();
  }, 240_000);
});
