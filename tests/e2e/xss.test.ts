// XSS corpus (catalogue item 18): payloads as free text, client codes, definition text and help, overlay text and an imported bundle, in the built app and a host page under a strict CSP with Trusted Types.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/elements/i18n.js';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';
import { answerCurrent, complete, position, tabTo, waitForInterview } from './app-harness.js';
import {
  buildHostPage,
  buildOnce,
  launchChromium,
  registerClient,
  ROOT,
  serveStatic,
  startFirstRound,
  STRICT_CSP,
  STRICTEST_CSP,
  watch,
  type Built,
  type StaticServer,
  type Watch,
} from './built-harness.js';

/** Each would set window.__xss if it ever ran; the last two are text that must survive unchanged (bidi, zero width). */
const PAYLOADS = [
  '<img src=x onerror=window.__xss=1>',
  '<script>window.__xss=1</script>',
  'javascript:window.__xss=1',
  '"><svg onload=window.__xss=1>',
  "'onmouseover='window.__xss=1",
  '</style><script>window.__xss=1</script>',
  'abc\u202Eexe.txt\u202C',
  'zero\u200Bwidth\u200B',
] as const;
const ALL = PAYLOADS.join(' ');

let built: Built;
let browser: Browser;

beforeAll(async () => {
  built = await buildOnce();
  browser = await launchChromium();
}, 10 * 60_000);

afterAll(async () => {
  await browser?.close();
});

interface Seen {
  /** Every text node's text and every form field's value, through shadow roots. */
  text: string;
  /** aria-label and title attributes, where Lit puts text into attribute values. */
  labels: string[];
  /** Any on* attribute, <script> element in the body, or javascript: URL: none is ever made by the elements. */
  dangerous: string[];
}

/** What the page shows, walking the body and every open shadow root. */
function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    const out = { text: '', labels: [] as string[], dangerous: [] as string[] };
    const walk = (node: Node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) out.text += `${(child as Text).data}\n`;
        if (child.nodeType !== Node.ELEMENT_NODE) continue;
        const el = child as Element;
        if (el.tagName === 'SCRIPT') out.dangerous.push(`<script> ${el.textContent}`);
        if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) out.text += `${el.value}\n`;
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) out.dangerous.push(`${el.tagName.toLowerCase()}[${a.name}=${a.value}]`);
          if (/(^|:)(href|src|action|formaction)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)) out.dangerous.push(`${el.tagName.toLowerCase()}[${a.name}=${a.value}]`);
          if (a.name === 'aria-label' || a.name === 'title') out.labels.push(a.value);
        }
        if (el.shadowRoot) walk(el.shadowRoot);
        walk(el);
      }
    };
    walk(document.body);
    return out;
  });
}

function xss(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
}

async function expectNothingRan(page: Page, w: Watch): Promise<void> {
  expect(await xss(page)).toBeUndefined();
  expect((await seen(page)).dangerous).toEqual([]);
  expect(w.violations).toEqual([]);
  expect(w.console).toEqual([]);
  expect(w.errors).toEqual([]);
  expect(w.dialogs).toEqual([]);
  expect(w.foreign).toEqual([]);
}

async function open(server: StaticServer, context: BrowserContext): Promise<{ page: Page; w: Watch }> {
  const page = await context.newPage();
  return { page, w: await watch(page, server.url.slice(0, -1)) };
}

describe('XSS corpus in the built app (strict CSP, Trusted Types)', () => {
  let server: StaticServer;
  let context: BrowserContext;
  let exported: { clients: { id: string; code: string }[]; interviews: { id: string; clientId: string }[]; answers: { itemId: string; value: unknown }[] } & Record<string, unknown>;

  beforeAll(async () => {
    server = await serveStatic(built.app, STRICT_CSP);
    context = await browser.newContext();
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  it('refuses every payload as a client code in the form, showing only its own message', async () => {
    const { page, w } = await open(server, context);
    for (const payload of PAYLOADS) {
      await page.goto(server.url);
      await tabTo(page, (f) => f === 'input[name=code]');
      await page.keyboard.insertText(payload);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.querySelector('#form-error'), null, { timeout: 60_000 });
      expect(await page.evaluate(() => location.hash)).not.toMatch(/#\/client\//);
      await expectNothingRan(page, w);
    }
    await page.close();
  });

  it('keeps a free-text answer as text, exports it unchanged, and shows imported payload codes literally', async () => {
    const { page, w } = await open(server, context);
    await page.goto(server.url);
    await registerClient(page, 'XSS-01');
    await startFirstRound(page);
    const answers: Record<string, string> = { ...DEMO_ANSWERS, H_CHRONIC: '1', H_CHRONIC_SPEC: ALL };
    let id: string | null;
    while ((id = await position(page))) {
      if (id !== 'H_CHRONIC_SPEC') {
        await answerCurrent(page, (i) => answers[i]!);
        continue;
      }
      // insertText: the payload arrives as typed text (keyboard.type would press keys the bidi marks do not have).
      await page.waitForFunction(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.id === 'answer-H_CHRONIC_SPEC';
      }, null, { timeout: 60_000 });
      await page.keyboard.insertText(ALL);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as { actor: { getSnapshot(): { context: { position: string } } } }).actor.getSnapshot().context.position !== 'H_CHRONIC_SPEC', null, { timeout: 60_000 });
      // Back to it: the stored answer is shown as the field's text, whole.
      await page.keyboard.press('PageUp');
      await page.waitForFunction(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.id === 'answer-H_CHRONIC_SPEC';
      }, null, { timeout: 60_000 });
      expect(await page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return (el as HTMLInputElement).value;
      })).toBe(ALL);
      await expectNothingRan(page, w);
      await page.keyboard.press('PageDown');
      await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as { actor: { getSnapshot(): { context: { position: string } } } }).actor.getSnapshot().context.position !== 'H_CHRONIC_SPEC', null, { timeout: 60_000 });
    }
    await complete(page, /Slutför/);
    await expectNothingRan(page, w);

    // The app's own backup (Export och säkerhetskopia) carries the answer byte for byte.
    await page.goto(`${server.url}#/data`);
    await page.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('button'), null, { timeout: 60_000 });
    // The plain (unencrypted) backup, found by the app's own label for it.
    await tabTo(page, (f) => f === `button:${t('sv', 'exportJson')}`, 80);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.keyboard.press('Enter')]);
    exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported.answers.find((a) => a.itemId === 'H_CHRONIC_SPEC')?.value).toBe(ALL);
    await expectNothingRan(page, w);
    await page.close();

    // Payloads in the bundle's client codes, restored into a fresh browser profile through the app's restore form.
    const template = exported.clients[0]!;
    const bundle = { ...exported, clients: [{ ...template, code: ALL }, ...PAYLOADS.map((code, i) => ({ ...template, id: `xss-client-${i}`, code }))] };
    const fresh = await browser.newContext();
    try {
      const { page: restore, w: rw } = await open(server, fresh);
      await restore.goto(`${server.url}#/data`);
      await restore.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('input[type=file]'), null, { timeout: 60_000 });
      const upload = async (json: string) => {
        await restore.locator('asi-data-exchange input[type=file]').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(json) });
        // The restore form (the one with the file field; the page has other forms, e.g. the encrypted export).
        await restore.locator('asi-data-exchange form').filter({ has: restore.locator('input[type=file]') }).locator('button[type=submit]').click();
      };

      // A refused bundle names the offending key in its problem list: as text.
      await upload(JSON.stringify({ ...bundle, clients: [{ ...template, [PAYLOADS[0]]: PAYLOADS[3] }] }));
      const problems = await restore.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('[role=alert]')?.textContent, null, { timeout: 60_000 });
      expect(await problems.jsonValue()).toContain(PAYLOADS[0]);
      await expectNothingRan(restore, rw);

      await upload(JSON.stringify(bundle));
      // Restored, or refused (then the problems say why, in the failure message).
      const outcome = await restore.waitForFunction(
        (done) => {
          const root = document.querySelector('asi-data-exchange')?.shadowRoot;
          if (root?.querySelector('[role=status]')?.textContent?.includes(done)) return 'restored';
          return root?.querySelector('[role=alert]')?.textContent?.replace(/\s+/g, ' ');
        },
        t('sv', 'importDone', { clients: bundle.clients.length, interviews: bundle.interviews.length, answers: bundle.answers.length }),
        { timeout: 60_000 },
      );
      expect(await outcome.jsonValue()).toBe('restored');

      await restore.goto(server.url);
      const codes = await restore.waitForFunction(
        (n) => {
          const rows = document.querySelector('asi-client-list')?.shadowRoot?.querySelectorAll('tbody th[scope=row]');
          return rows && rows.length === n ? [...rows].map((r) => r.textContent) : null;
        },
        PAYLOADS.length + 1,
        { timeout: 60_000 },
      );
      expect(((await codes.jsonValue()) as string[]).sort()).toEqual([ALL, ...PAYLOADS].sort());
      // Codes also land in attribute values (the row's checkbox and button labels): whole, never breaking out.
      const labels = (await seen(restore)).labels;
      for (const code of [ALL, ...PAYLOADS]) expect(labels.some((l) => l.includes(code)), code).toBe(true);
      await expectNothingRan(restore, rw);

      // The client's own page, with the completed interview, heads it with the code.
      await restore.goto(`${server.url}#/client/${template.id}`);
      const heading = await restore.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('h2')?.textContent, null, { timeout: 60_000 });
      expect(await heading.jsonValue()).toBe(ALL);
      await restore.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.textContent?.includes('Slutförd'), null, { timeout: 60_000 });
      await expectNothingRan(restore, rw);
    } finally {
      await fresh.close();
    }
  });
});

describe('XSS corpus on a host page of the built package (style-src without unsafe-inline)', () => {
  it('renders payloads in a host definition (title, section, item text and help, options) and an overlay as text', async () => {
    const def = JSON.parse(readFileSync(join(ROOT, 'instruments/demo/demo.json'), 'utf8'));
    const both = (s: string) => ({ sv: s, en: s });
    const items = Object.fromEntries(def.sections.flatMap((s: { items: { id: string }[] }) => s.items).map((i: { id: string }) => [i.id, i]));
    def.id = 'xss-demo';
    def.title = both(PAYLOADS[0]);
    def.description = both(PAYLOADS[1]);
    def.sections[0].title = both(PAYLOADS[2]);
    def.sections[0].help = both(PAYLOADS[7]);
    items.G_DATE.text = both(PAYLOADS[3]);
    items.G_DATE.help = both(PAYLOADS[4]);
    items.G_START.text = both(PAYLOADS[5]);
    items.G_START.help = both(PAYLOADS[6]);
    items.G_HOUSING.options[0].label = both(PAYLOADS[1]);
    items.G_HOUSING.options[1].label = both(PAYLOADS[4]);
    const overlay = {
      overlay: 'text',
      instrument: 'xss-demo',
      source: PAYLOADS[5],
      items: {
        G_HOUSING_TIME: { text: { sv: PAYLOADS[0] }, help: { sv: PAYLOADS[3] } },
        H_HOSP: { text: { sv: PAYLOADS[6] }, help: { sv: PAYLOADS[7] } },
      },
      sections: { health: { title: { sv: PAYLOADS[2] } } },
    };
    const shown: Record<string, string[]> = {
      G_DATE: [PAYLOADS[3], PAYLOADS[4]],
      G_START: [PAYLOADS[5], PAYLOADS[6]],
      G_HOUSING: [PAYLOADS[1], PAYLOADS[4]],
      G_HOUSING_TIME: [PAYLOADS[0], PAYLOADS[3]],
      H_HOSP: [PAYLOADS[6], PAYLOADS[7]],
    };

    const out = await buildHostPage(built.pkg);
    const server = await serveStatic(out, STRICTEST_CSP);
    const context = await browser.newContext();
    try {
      const { page, w } = await open(server, context);
      await page.addInitScript((setup) => Object.assign(window, { __hostSetup: setup }), { instrument: def, overlays: [overlay], clientCode: ALL, interviewer: PAYLOADS[3] });
      await page.goto(server.url);
      await waitForInterview(page);
      await page.waitForFunction(() => (document.querySelector('asi-interview') as unknown as { actor: { getSnapshot(): { context: { position: string | null } } } }).actor.getSnapshot().context.position, null, { timeout: 60_000 });
      expect(await page.evaluate(() => (window as unknown as { __asiError?: unknown }).__asiError)).toBeUndefined();
      const first = await seen(page);
      expect(first.text).toContain(PAYLOADS[0]); // the title
      expect(first.text).toContain(PAYLOADS[2]); // the section title
      let id: string | null;
      while ((id = await position(page))) {
        const now = await seen(page);
        for (const text of shown[id] ?? []) expect(now.text, `${id} shows ${text}`).toContain(text);
        expect(now.dangerous).toEqual([]);
        await answerCurrent(page, (i) => DEMO_ANSWERS[i]!);
      }
      await complete(page, /Slutför/);
      await page.waitForFunction(() => (window as unknown as { __asiComplete?: unknown }).__asiComplete, null, { timeout: 60_000 });
      await expectNothingRan(page, w);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
