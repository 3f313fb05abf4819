// End to end: several tabs of the app — a second tab shows a locked interview read-only, an old tab learns of an upgrade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';
import { answerCurrent, answeredCount, position, startHarness, tabTo, waitForInterview, type Harness } from './app-harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ watch: false });
});

afterAll(async () => {
  await harness?.close();
});

const answer = (page: Page) => answerCurrent(page, (id) => DEMO_ANSWERS[id]!);

/** Registers a client, starts the demo intake and answers `count` items; returns the interview's URL. */
async function demoInterview(page: Page, code: string, count: number): Promise<string> {
  await page.goto(harness.baseUrl);
  await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.querySelector('input[name=code]'));
  await tabTo(page, (f) => f === 'input[name=code]');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/client\/[^/]+$/);
  const clientId = /#\/client\/([^/]+)$/.exec(page.url())![1];
  await page.evaluate((id) => (location.hash = `#/start/${id}/demo/intake`), clientId);
  await waitForInterview(page);
  await page.waitForURL(/#\/client\/[^/]+\/interview\/[^/]+$/);
  for (let i = 0; i < count; i++) await answer(page);
  return page.url();
}

/** The text of the interview element, whitespace collapsed. */
function interviewText(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('asi-interview')?.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? '');
}

/** Form fields anywhere inside the interview element (through the controls' shadow roots), and whether one has focus. */
function answerFields(page: Page): Promise<{ fields: number; enabled: number; focusedTag: string }> {
  return page.evaluate(() => {
    const all: Element[] = [];
    const walk = (root: ParentNode) => {
      for (const el of root.querySelectorAll('*')) {
        if (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    const host = document.querySelector('asi-interview');
    if (host?.shadowRoot) walk(host.shadowRoot);
    // Enabled: usable from the keyboard or the mouse (not disabled, not inside an inert subtree, across shadow roots).
    const inert = (el: Element | null): boolean =>
      !!el && (el.closest('[inert]') !== null || inert(((el.getRootNode() as ShadowRoot).host as Element | undefined) ?? null));
    const enabled = all.filter((el) => !(el as HTMLInputElement).disabled && !inert(el)).length;
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return { fields: all.length, enabled, focusedTag: active?.tagName ?? '' };
  });
}

describe('several tabs', () => {
  it('a second tab shows the locked interview’s answers read-only, and takes over when the first closes', async () => {
    const context = await harness.browser.newContext(); // one origin's Web Locks and IndexedDB, shared by both pages
    const first = await context.newPage();
    const url = await demoInterview(first, 'T-01', 3); // G_DATE, G_START, G_HOUSING (1: own home)
    expect(await position(first)).toBe('G_HOUSING_TIME');

    const second = await context.newPage();
    await second.goto(url);
    await second.waitForFunction(() => document.querySelector('asi-interview')?.shadowRoot?.textContent?.includes('Sparade svar (3)'), undefined, { timeout: 30_000 });
    const text = await interviewText(second);
    expect(text).toContain('Intervjun är öppen i en annan flik');
    expect(text).toContain('skrivskyddade');
    expect(text).toContain('G_HOUSING');
    expect(text).toContain('Egen bostad');
    expect(text).toContain('G_START');
    expect(await answerFields(second)).toEqual({ fields: 0, enabled: 0, focusedTag: expect.not.stringMatching(/INPUT|SELECT|TEXTAREA/) });
    expect(await second.evaluate(() => (document.querySelector('asi-interview') as unknown as { actor?: unknown }).actor)).toBeUndefined();
    // Typing in the waiting tab changes nothing.
    await second.keyboard.type('2');
    await second.keyboard.press('Enter');

    // The first tab goes on; the second, looked at again, shows what was saved since.
    await answer(first); // G_HOUSING_TIME
    await second.bringToFront();
    await second.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await second.waitForFunction(() => document.querySelector('asi-interview')?.shadowRoot?.textContent?.includes('Sparade svar (4)'), undefined, { timeout: 30_000 });

    await first.close();
    await waitForInterview(second);
    expect(await position(second)).toBe('H_HOSP');
    expect(await answeredCount(second)).toBe(4);
    expect(await answer(second)).toBe('H_HOSP');
    expect(await answeredCount(second)).toBe(5);
    await context.close();
  });

  it('an old tab closes its connection when another opens a newer database version, shows a banner and takes no more answers', async () => {
    const context = await harness.browser.newContext();
    const page = await context.newPage();
    await demoInterview(page, 'T-02', 1);
    const before = { position: await position(page), answered: await answeredCount(page) };

    // What a newer release of the app does in another tab: open the database one version up.
    const upgrade = await page.evaluate(async () => {
      const { version } = (await indexedDB.databases()).find((d) => d.name === 'asi-interview')!;
      return new Promise<{ opened: boolean; blocked: boolean }>((resolve) => {
        let blocked = false;
        // Generous: the old connection closes on versionchange at once; left open, the upgrade would wait for ever.
        const timer = setTimeout(() => resolve({ opened: false, blocked }), 10_000);
        const request = indexedDB.open('asi-interview', version! + 1);
        request.onblocked = () => (blocked = true);
        request.onsuccess = () => {
          clearTimeout(timer);
          request.result.close();
          resolve({ opened: true, blocked });
        };
        request.onerror = () => resolve({ opened: false, blocked });
      });
    });
    expect(upgrade).toEqual({ opened: true, blocked: false });

    const banner = page.locator('#upgraded');
    await banner.waitFor({ state: 'visible', timeout: 10_000 });
    expect((await banner.textContent())!.replace(/\s+/g, ' ').trim()).toBe('Appen har uppdaterats i en annan flik – ladda om sidan Ladda om sidan');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Ladda om sidan');

    // The interview says so too, and its answer field no longer takes input.
    await page.waitForFunction(() => document.querySelector('asi-interview')?.shadowRoot?.querySelector('[role=alert]')?.textContent?.includes('uppdaterats i en annan flik'));
    const fields = await answerFields(page);
    expect(fields.fields).toBeGreaterThan(0);
    expect(fields.enabled).toBe(0);
    expect(fields.focusedTag).not.toMatch(/INPUT|SELECT|TEXTAREA/);
    // Clicking into the answer field and typing an answer changes nothing.
    const box = await page.evaluate(() => {
      const control = document.querySelector('asi-interview')!.shadowRoot!.querySelector('[data-control]')!;
      const r = (control.shadowRoot!.querySelector('input') ?? control).getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    });
    await page.mouse.click(box.x, box.y);
    expect((await answerFields(page)).focusedTag).not.toMatch(/INPUT|SELECT|TEXTAREA/);
    await page.keyboard.type(DEMO_ANSWERS[before.position!]!);
    await page.keyboard.press('Enter');
    expect({ position: await position(page), answered: await answeredCount(page) }).toEqual(before);

    // In English as well.
    await page.locator('button[data-lang=en]').click();
    expect((await banner.textContent())!.replace(/\s+/g, ' ').trim()).toBe('The app was updated in another tab — reload the page Reload the page');
    expect(await interviewText(page)).toContain('The app was updated in another tab');
    await context.close();
  });
});
