// End to end: the app loads simulated demo data, and the group report over it shows sensible figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, tabTo, type Harness } from './app-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('evaluation in the clinician app', () => {
  it('adds demo data from the data page, then reports on it by keyboard', async () => {
    const page = await harness.browser.newPage();
    await page.goto(`${harness.baseUrl}#/data`);
    await page.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('button'));
    // A fixed seed, so that the figures below are the same on every run.
    await page.evaluate(() => document.querySelector('asi-data-exchange')!.setAttribute('demo-seed', 'e2e-report'));
    await tabTo(page, (f) => f.startsWith('button:Lägg till 40'), 80);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('[role=status]')?.textContent?.startsWith('Inläst'), null, { timeout: 60_000 });

    await page.goto(`${harness.baseUrl}#/report`);
    const rows = await page.waitForFunction(
      () => {
        const trs = document.querySelector('asi-group-report')?.shadowRoot?.querySelectorAll('tbody tr');
        return trs?.length === 7 ? [...trs].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent!.trim())) : null;
      },
      null,
      { timeout: 30_000 },
    );
    const table = (await rows.jsonValue()) as string[][];
    for (const [score, n, first, last] of table) {
      expect(Number(n), `${score} n`).toBeGreaterThan(25); // 40 clients, ~5% unfinished rounds, a few X/N
      expect(Number(first), `${score} mean first`).toBeGreaterThanOrEqual(0);
      expect(Number(first), `${score} mean first`).toBeLessThanOrEqual(1.5);
      expect(Number(last), `${score} mean last`).toBeGreaterThanOrEqual(0);
    }
    await page.close();
  }, 180_000);
});
