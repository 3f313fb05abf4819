// Shared end-to-end plumbing: the app served by Vite, Debian Chromium through playwright-core, keyboard helpers.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

const executablePath = [process.env.CHROME_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && existsSync(p));

export interface Harness {
  server: ViteDevServer;
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /**
   * false: serve the sources as first read, without watching files or HMR, so that edits made while a long test runs
   * never reload its pages mid-interview (default true: the dev server as `npm start` runs it).
   */
  watch?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const frozen = options.watch === false ? { watch: null, hmr: false } : {};
  const server = await createServer({ configFile: 'vite.app.config.ts', server: { port: 0, strictPort: false, ...frozen }, logLevel: 'error' });
  await server.listen();
  const browser = await chromium.launch({
    executablePath: executablePath!,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return { server, browser, baseUrl: server.resolvedUrls!.local[0]!, close: async () => (await browser.close(), await server.close()) };
}

/** Id (or tag, name and text) of the element that has focus, looking through shadow roots. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return '';
    return el.id || `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}${el.textContent?.trim() ? `:${el.textContent.trim()}` : ''}`;
  });
}

export async function tabTo(page: Page, match: (f: string) => boolean, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (match(await focused(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached the wanted element (last: ${await focused(page)})`);
}

type Probe = { actor?: { getSnapshot(): { value: unknown; context: { position: string | null; plan: { answeredCount: number } } } } };

export function position(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.querySelector('asi-interview') as unknown as Probe)?.actor?.getSnapshot().context.position ?? null);
}

export function answeredCount(page: Page): Promise<number> {
  return page.evaluate(() => (document.querySelector('asi-interview') as unknown as Probe).actor!.getSnapshot().context.plan.answeredCount);
}

export async function waitForInterview(page: Page): Promise<void> {
  await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as Probe)?.actor);
}

/** Answers the current item from the keyboard with `text(itemId)` and waits until the interview has moved on. */
export async function answerCurrent(page: Page, text: (itemId: string) => string): Promise<string> {
  await waitForInterview(page);
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
  await page.keyboard.type(text(id));
  await page.keyboard.press('Enter');
  await page
    .waitForFunction(
      (was) => (document.querySelector('asi-interview') as unknown as Probe).actor!.getSnapshot().context.position !== was,
      id,
      { timeout: 10_000 },
    )
    .catch(async () => {
      const alert = await page.evaluate(() => document.querySelector('asi-interview')?.shadowRoot?.querySelector('[data-control]')?.shadowRoot?.querySelector('[role=alert]')?.textContent);
      throw new Error(`Answer "${text(id)}" to ${id} was not taken: ${alert ?? 'no message'}`);
    });
  return id;
}

/** Presses Enter on the focused "complete" button and waits for the completed state. */
export async function complete(page: Page, label: RegExp): Promise<void> {
  await page.waitForFunction((source) => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return new RegExp(source).test(el?.textContent ?? '');
  }, label.source);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => JSON.stringify((document.querySelector('asi-interview') as unknown as Probe).actor!.getSnapshot().value) === '"completed"');
}
