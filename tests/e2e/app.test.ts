// End to end: the clinician app in Debian Chromium, keyboard only — register a client, run the demo, reload, resume, complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';
import { answerCurrent as answerWith, answeredCount, complete, position, startHarness, tabTo, waitForInterview, type Harness } from './app-harness.js';
import { watch } from './built-harness.js';

let harness: Harness;
let baseUrl: string;
let browser: Harness['browser'];

beforeAll(async () => {
  harness = await startHarness();
  ({ baseUrl, browser } = harness);
});

afterAll(async () => {
  await harness?.close();
});

const answerCurrent = (page: Parameters<typeof answerWith>[0]) => answerWith(page, (id) => DEMO_ANSWERS[id]!);

describe('clinician app', () => {
  it('registers a client, runs the demo with the keyboard alone, resumes after reload and completes', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(baseUrl) && !r.url().startsWith('ws://localhost') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    // securitypolicyviolation events (also from inside shadow roots) under the dev server's CSP + Trusted Types header.
    const csp = await watch(page, baseUrl);
    const response = await page.goto(baseUrl);
    expect(response?.headers()['content-security-policy']).toContain("require-trusted-types-for 'script'");

    // Register a client.
    await tabTo(page, (f) => f === 'input[name=code]');
    await page.keyboard.type('E2E-01');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown'); // sex: unknown -> female
    await page.keyboard.press('ArrowDown'); // female -> male
    await page.keyboard.press('Tab');
    await page.keyboard.type('1985');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/client\//);

    // Start the demo intake (the only instrument, first round).
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=round] option'));
    await tabTo(page, (f) => f.startsWith('button:Starta'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/client\/[^/]+\/interview\//);

    // Six answers, then a reload mid-interview.
    const first: string[] = [];
    for (let i = 0; i < 6; i++) first.push(await answerCurrent(page));
    expect(first).toEqual(['G_DATE', 'G_START', 'G_HOUSING', 'G_HOUSING_TIME', 'H_HOSP', 'H_CHRONIC']);
    const before = await position(page);
    await page.reload();
    await waitForInterview(page);
    expect(await position(page)).toBe(before);
    expect(await answeredCount(page)).toBe(6);

    // The rest, then Enter on the focused "complete" button.
    while (await position(page)) await answerCurrent(page);
    await complete(page, /Slutför/);
    await page.waitForFunction(() => document.querySelector('asi-interview')?.shadowRoot?.textContent?.includes('Intervjun är slutförd'));
    const profile = await page.waitForFunction(() => {
      const rows = document.querySelector('asi-interview')?.shadowRoot?.querySelector('asi-profile')?.shadowRoot?.querySelectorAll('tbody tr');
      return rows?.length ? [...rows].map((r) => r.textContent!.replace(/\s+/g, ' ').trim()) : null;
    });
    expect(((await profile.jsonValue()) as string[])[0]).toBe(`Fysisk hälsa ${(3 / 90 + 1 / 12 + 2 / 12).toFixed(3)} 3 Litet problem`);

    // The client's page lists the completed interview with its scores.
    await tabTo(page, (f) => f.startsWith('a:←'), 60);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/client\/[^/]+$/);
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.textContent?.includes('Slutförd'));

    expect(violations).toEqual([]);
    expect(csp.violations).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  });

  it('switches the whole app to English and keeps the choice', async () => {
    const page = await browser.newPage();
    await page.goto(baseUrl);
    await tabTo(page, (f) => f === 'button:English');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.textContent?.includes('New client'));
    await page.reload();
    await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.textContent?.includes('Add client'));
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.close();
  });
});
