// End to end: the clinician app in Debian Chromium, keyboard only — register a client, run the demo, reload, resume, complete.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';

const executablePath = [process.env.CHROME_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && existsSync(p));

let server: ViteDevServer;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  server = await createServer({ configFile: 'vite.app.config.ts', server: { port: 0, strictPort: false }, logLevel: 'error' });
  await server.listen();
  baseUrl = server.resolvedUrls!.local[0]!;
  browser = await chromium.launch({
    executablePath: executablePath!,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Id (or tag) of the element that has focus, looking through shadow roots. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return '';
    return el.id || `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}${el.textContent?.trim() ? `:${el.textContent.trim()}` : ''}`;
  });
}

async function tabTo(page: Page, match: (f: string) => boolean, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (match(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the wanted element (last: ${await focused(page)})`);
}

function position(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.querySelector('asi-interview') as unknown as { actor?: { getSnapshot(): { context: { position: string | null } } } })?.actor?.getSnapshot().context.position ?? null);
}

/** Answers the current item from the keyboard and waits until the next one has focus. */
async function answerCurrent(page: Page): Promise<string> {
  await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as { actor?: unknown })?.actor);
  const id = (await position(page))!;
  await page
    .waitForFunction(
      (want) => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.id === `answer-${want}`;
      },
      id,
      { timeout: 10_000 },
    )
    .catch(async () => {
      throw new Error(`The answer field of ${id} never had focus (focus: ${await focused(page)})`);
    });
  await page.keyboard.type(DEMO_ANSWERS[id]!);
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    (was) => (document.querySelector('asi-interview') as unknown as { actor: { getSnapshot(): { context: { position: string | null } } } }).actor.getSnapshot().context.position !== was,
    id,
  );
  return id;
}

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
    await page.goto(baseUrl);

    // Register a client.
    await tabTo(page, (f) => f === 'input[name=code]');
    await page.keyboard.type('E2E-01');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown'); // sex: female -> male
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
    await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as { actor?: unknown })?.actor);
    expect(await position(page)).toBe(before);
    const answered = await page.evaluate(() => (document.querySelector('asi-interview') as unknown as { actor: { getSnapshot(): { context: { plan: { answeredCount: number } } } } }).actor.getSnapshot().context.plan.answeredCount);
    expect(answered).toBe(6);

    // The rest, then Enter on the focused "complete" button.
    while (await position(page)) await answerCurrent(page);
    await page.waitForFunction(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.textContent?.includes('Slutför');
    });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('asi-interview')?.shadowRoot?.textContent?.includes('Intervjun är slutförd'));
    const text = await page.evaluate(() => document.querySelector('asi-interview')!.shadowRoot!.textContent!);
    expect(text).toContain('Hälsoindex (demo)');
    expect(text).toContain((3 / 90 + 1 / 12 + 2 / 12).toFixed(3));

    // The client's page lists the completed interview with its scores.
    await tabTo(page, (f) => f.startsWith('a:←'), 60);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/client\/[^/]+$/);
    await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.textContent?.includes('Slutförd'));

    expect(violations).toEqual([]);
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
