// End to end: the app offers encryption at first start, turns it on by keyboard, locks (now, when idle, in every tab) and unlocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';
import { answerCurrent, focused, position, startHarness, tabTo, waitForInterview, type Harness } from './app-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ watch: false });
});
afterAll(async () => {
  await harness?.close();
});

const PASS = 'enhetens lösenfras 2026';
const CANARY = `KAN${Math.random().toString(36).slice(2, 8).toUpperCase()}`;

/** Text of the page's view, through the open shadow roots of the elements in it. */
function viewText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const walk = (node: Node): string =>
      [...node.childNodes].map((n) => (n.nodeType === Node.TEXT_NODE ? n.textContent : walk(n))).join(' ') +
      ((node as Element).shadowRoot ? walk((node as Element).shadowRoot!) : '');
    return walk(document.querySelector('#view')!);
  });
}

const unlockShown = (page: Page) =>
  page.waitForFunction(() => document.querySelector('asi-protection[view=unlock]')?.shadowRoot?.querySelector('form[data-unlock]'), null, { timeout: 20_000 });

/** Raw client records of the app's database, as anyone with the profile could read them. */
function rawClients(page: Page): Promise<unknown[]> {
  return page.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('asi-interview');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('clients').objectStore('clients').getAll();
          request.onsuccess = () => (open.result.close(), resolve(request.result));
        };
      }),
  );
}

describe('encryption at rest in the app', () => {
  it('offers encryption at first start, turns it on from the keyboard, and then locks and unlocks', async () => {
    const context = await harness.browser.newContext();
    const page = await context.newPage();
    await page.goto(harness.baseUrl);
    await page.waitForFunction(() => document.querySelector('.offer'));
    expect(await page.textContent('.offer')).toContain('Skydda uppgifterna med en lösenfras');

    // Offer → settings → passphrase twice → Enter.
    await tabTo(page, (f) => f.startsWith('a:Slå på kryptering'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/settings$/);
    await page.waitForFunction(() => document.querySelector('asi-protection')?.shadowRoot?.querySelector('form[data-form=enable]'));
    await tabTo(page, (f) => f === 'input[name=new]');
    await page.keyboard.type(PASS);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASS);
    await page.keyboard.press('Enter');
    await page
      .waitForFunction(() => document.querySelector('asi-protection')?.shadowRoot?.textContent?.includes('Krypteringen är påslagen'), null, { timeout: 30_000 })
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}: ${await viewText(page)}`);
      });
    expect(await page.isVisible('#lock-now')).toBe(true);

    // A client and two answers, stored sealed.
    await page.goto(`${harness.baseUrl}#/`);
    await tabTo(page, (f) => f === 'input[name=code]');
    await page.keyboard.type(CANARY);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/client\//);
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=round] option'));
    await tabTo(page, (f) => f.startsWith('button:Starta'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/client\/[^/]+\/interview\//);
    for (let i = 0; i < 2; i++) await answerCurrent(page, (id) => DEMO_ANSWERS[id]!);
    const at = await position(page);
    const raw = await rawClients(page);
    expect(raw).toHaveLength(1);
    expect(JSON.stringify(raw)).not.toContain(CANARY);
    expect(Object.keys(raw[0] as object).sort()).toEqual(['createdAt', 'id', 'sealed', 'updatedAt']);

    // Lock now: nothing of the client on screen, the navigation out of use, the passphrase field focused.
    await page.click('#lock-now');
    await unlockShown(page);
    expect(await viewText(page)).not.toContain(CANARY);
    expect(await page.evaluate(() => (document.querySelector('.app-header nav') as HTMLElement).inert)).toBe(true);
    await page.waitForFunction(() => document.querySelector('asi-protection')?.shadowRoot?.activeElement?.getAttribute('name') === 'passphrase');

    // A wrong passphrase: told so, still locked.
    await page.keyboard.type('inte den rätta frasen');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('asi-protection')?.shadowRoot?.querySelector('[role=alert]')?.textContent?.includes('Fel lösenfras'), null, { timeout: 20_000 });
    expect(await viewText(page)).not.toContain(CANARY);

    // The right one: back to the interview at the same item.
    await page.keyboard.type(PASS);
    await page.keyboard.press('Enter');
    await waitForInterview(page);
    await page.waitForFunction((want) => (document.querySelector('asi-interview') as unknown as { actor?: { getSnapshot(): { context: { position: string } } } })?.actor?.getSnapshot().context.position === want, at, { timeout: 20_000 });
    await answerCurrent(page, (id) => DEMO_ANSWERS[id]!);

    // A reload starts locked.
    await page.reload();
    await unlockShown(page);
    await context.close();
  }, 180_000);

  it('locks after the idle time, and a lock in one tab locks the other tabs', async () => {
    const context = await harness.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${harness.baseUrl}#/settings`);
    await page.waitForFunction(() => document.querySelector('asi-protection')?.shadowRoot?.querySelector('form[data-form=enable]'));
    await page.evaluate(async (pass) => {
      const form = document.querySelector('asi-protection')!.shadowRoot!.querySelector<HTMLFormElement>('form[data-form=enable]')!;
      form.querySelector<HTMLInputElement>('[name=new]')!.value = pass;
      form.querySelector<HTMLInputElement>('[name=repeat]')!.value = pass;
      form.requestSubmit();
    }, PASS);
    await page.waitForFunction(() => document.querySelector('asi-protection')?.shadowRoot?.textContent?.includes('Krypteringen är påslagen'), null, { timeout: 20_000 });

    // A second tab, unlocked; then the first is left idle for longer than ?lock-after-seconds.
    const other = await context.newPage();
    await other.goto(`${harness.baseUrl}#/`);
    await unlockShown(other);
    await other.keyboard.type(PASS);
    await other.keyboard.press('Enter');
    await other.waitForFunction(() => document.querySelector('asi-client-list'), null, { timeout: 20_000 });

    await page.goto(`${harness.baseUrl}?lock-after-seconds=2#/`);
    await unlockShown(page);
    await page.keyboard.type(PASS);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('asi-client-list'), null, { timeout: 20_000 });
    // Left alone, it locks by itself, and the other tab with it.
    await unlockShown(page);
    await unlockShown(other);
    expect(await focused(other)).toBe('input[name=passphrase]');
    await context.close();
  }, 180_000);
});
