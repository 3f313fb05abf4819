// End to end with the other built-in instruments, keyboard only: AUDIT (self mode and interviewer mode) and DUDIT
// with results and comparisons, ADAD intake and discharge, DOK intake and follow-up with the feedback summary, and
// the export of a client's data from the client page.
import { readFile } from 'node:fs/promises';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_INSTRUMENTS, builtinDefinition, loadInstrument, type CompiledInstrument } from '../../src/core/definition/index.js';
import { answerCurrent, complete, focused, position, startHarness, tabTo, waitForInterview, type Harness } from './app-harness.js';

let harness: Harness;
let adad: CompiledInstrument;
let dok: CompiledInstrument;
/** The DOK client's page (its own browser context, so its own IndexedDB), kept open for the export test. */
let dokPage: { page: Page; clientUrl: string; code: string } | undefined;

beforeAll(async () => {
  // Not watching: other work on the sources must not reload a page in the middle of a 100-item interview.
  harness = await startHarness({ watch: false });
  adad = loadInstrument(await builtinDefinition('adad'));
  dok = loadInstrument(await builtinDefinition('dok'));
});

afterAll(async () => {
  await dokPage?.page.close().catch(() => undefined);
  await harness?.close();
});

type Item = NonNullable<ReturnType<CompiledInstrument['item']>>;

/**
 * What an interviewer would type for an item of `instrument`: a valid, unremarkable answer of its kind. `option`
 * picks the index into the item's options (default: the second option, as asi.test does).
 */
function typical(instrument: CompiledInstrument, date: string, option: (item: Item) => number = () => 1) {
  return (id: string): string => {
    const item = instrument.item(id)!;
    const def = item.def as Item['def'] & { min?: number; max?: number; unit?: string };
    switch (def.kind) {
      case 'date':
        return date;
      case 'time':
        return '1000';
      case 'text':
        return 'abc';
      case 'days':
        return '2';
      case 'money':
        return '1000';
      case 'duration':
        return '2';
      case 'count': {
        if (def.unit === 'calendar-year') return '1975'; // e.g. DOK SOC1, year of birth (min 1900)
        const wanted = def.unit === 'years' ? 15 : 1; // ages (ADAD G4 13–21 without a warning, debut ages min 3)
        return String(Math.min(def.max ?? Infinity, Math.max(def.min ?? 0, wanted)));
      }
      default: {
        const options = item.options!;
        return String(options[Math.min(option(item), options.length - 1)]!.value);
      }
    }
  };
}

/** Items answered with X because the typical answer was refused (reported by the tests; expected to stay empty). */
const fallbacks: string[] = [];

/** Answers the current item with `text`; if the interview refuses it, selects the field's text and answers X instead. */
async function answerOrX(page: Page, text: (id: string) => string): Promise<string> {
  try {
    return await answerCurrent(page, text);
  } catch (error) {
    if (!/was not taken/.test(String(error))) throw error;
    fallbacks.push(String(error));
    await page.keyboard.press('Control+A');
    return answerCurrent(page, () => 'X');
  }
}

/** Answers every item the interview asks, calling `onItem` before each answer; returns the ids in order. */
async function runInterview(page: Page, text: (id: string) => string, onItem?: (id: string) => Promise<void>): Promise<string[]> {
  await waitForInterview(page);
  const ids: string[] = [];
  for (let id = await position(page); id !== null; id = await position(page)) {
    await onItem?.(id);
    ids.push(await answerOrX(page, text));
  }
  return ids;
}

/** Registers a client from the client list and returns the client page's URL. */
async function registerClient(page: Page, code: string): Promise<string> {
  await page.goto(harness.baseUrl);
  await tabTo(page, (f) => f === 'input[name=code]');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/client\/[^/]+$/);
  return page.url();
}

type StartForm = { instrument: string; round: string; self: boolean };

function startForm(page: Page): Promise<StartForm> {
  return page.evaluate(() => {
    const root = document.querySelector('asi-client-rounds')!.shadowRoot!;
    return {
      instrument: root.querySelector<HTMLSelectElement>('select[name=instrument]')!.value,
      round: root.querySelector<HTMLSelectElement>('select[name=round]')!.value,
      self: root.querySelector<HTMLInputElement>('input[name=self]')!.checked,
    };
  });
}

/**
 * On the client page: picks the instrument and the round with the arrow keys (the form starts at the first instrument
 * and its first round), ticks "the client answers on the screen" with Space if asked, and presses Enter on Starta.
 */
async function startRound(page: Page, clientUrl: string, instrument: string, round: string, self = false): Promise<void> {
  await page.goto(clientUrl);
  await page.waitForFunction(
    (id) => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector(`select[name=instrument] option[value="${id}"]`),
    instrument,
  );
  const compiled = loadInstrument(await builtinDefinition(instrument));
  await tabTo(page, (f) => f.startsWith('select[name=instrument]'));
  for (let i = 0; i < BUILTIN_INSTRUMENTS.indexOf(instrument); i++) await page.keyboard.press('ArrowDown');
  // The round list follows the chosen instrument.
  await page.waitForFunction(
    (first) => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector(`select[name=round] option[value="${first}"]`),
    compiled.def.rounds[0]!.id,
  );
  await page.keyboard.press('Tab');
  expect(await focused(page)).toMatch(/^select\[name=round\]/);
  for (let i = 0; i < compiled.def.rounds.findIndex((r) => r.id === round); i++) await page.keyboard.press('ArrowDown');
  if (self) {
    await tabTo(page, (f) => f === 'input[name=self]');
    await page.keyboard.press('Space');
  }
  expect(await startForm(page)).toEqual({ instrument, round, self });
  await tabTo(page, (f) => f.startsWith('button:Starta'));
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/interview\//);
  await waitForInterview(page);
}

/** Text of an element's shadow root inside asi-interview's shadow root (whitespace collapsed), once it is there. */
async function interviewPartText(page: Page, selector: string): Promise<string> {
  const handle = await page.waitForFunction((sel) => {
    const el = document.querySelector('asi-interview')?.shadowRoot?.querySelector(sel);
    const text = (el?.shadowRoot ?? el)?.textContent?.replace(/\s+/g, ' ').trim();
    return text ? text : null;
  }, selector);
  return (await handle.jsonValue()) as string;
}

/** The rows of asi-profile's table in the completed interview, once there are at least `min`. */
async function profileRows(page: Page, min: number): Promise<string[]> {
  const handle = await page.waitForFunction((n) => {
    const rows = document.querySelector('asi-interview')?.shadowRoot?.querySelector('asi-profile')?.shadowRoot?.querySelectorAll('tbody tr');
    return rows && rows.length >= n ? [...rows].map((r) => r.textContent!.replace(/\s+/g, ' ').trim()) : null;
  }, min);
  return (await handle.jsonValue()) as string[];
}

/** The question text (the label) of the current item's control. */
function questionLabel(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector('asi-interview')!.shadowRoot!.querySelector('[data-control]')!.shadowRoot!.querySelector('label')!.textContent ?? '');
}

/**
 * From the client page, presses Enter on the `nth` (0-based) "Jämför omgångarna" button and returns the rows of
 * asi-comparison's first table (at least `minRows`) and its heading.
 */
async function compareFromTimeline(page: Page, clientUrl: string, nth: number, minRows: number): Promise<{ title: string; rows: string[]; ids: string[] }> {
  await page.goto(clientUrl);
  await page.waitForFunction(
    (n) => (document.querySelector('asi-client-rounds')?.shadowRoot?.querySelectorAll('section.timeline > button').length ?? 0) > n,
    nth,
  );
  for (let i = 0; i <= nth; i++) {
    if (i > 0) await page.keyboard.press('Tab');
    await tabTo(page, (f) => f.startsWith('button:Jämför'), 80);
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/compare\/[^/]+,[^/]+$/);
  const handle = await page.waitForFunction((n) => {
    const root = document.querySelector('asi-comparison')?.shadowRoot;
    const rows = root?.querySelectorAll('table:first-of-type tbody tr');
    return rows && rows.length >= n
      ? { title: root!.querySelector('h2')!.textContent!.trim(), rows: [...rows].map((r) => r.textContent!.replace(/\s+/g, ' ').trim()) }
      : null;
  }, minRows);
  const { title, rows } = (await handle.jsonValue()) as { title: string; rows: string[] };
  return { title, rows, ids: decodeURIComponent(page.url().split('/compare/')[1]!).split(',') };
}

/** A number as the elements show it: "9", "9.0", "9.000" … but not part of another number. */
const shows = (n: number) => new RegExp(`(^|[^\\d.,])${n}([.,]0+)?($|[^\\d.,])`);
/** asi-comparison's direction words (i18n `better`, `worse`, `unchanged`; "Förbättrade"/"Försämrade" are the group report's). */
const DIRECTION = /bättre|sämre|oförändrat/;

describe('AUDIT and DUDIT in the clinician app', () => {
  it('runs AUDIT (self mode, then interviewer) and DUDIT twice each by keyboard, then compares the rounds', async () => {
    const page = await harness.browser.newPage();
    const clientUrl = await registerClient(page, 'SCREEN-01');

    // AUDIT 1, the client at the keyboard: points 2,1,1,1,0,0,1,1,2,0 = 9 (AUDIT-C 4).
    const audit1: Record<string, string> = { AUDIT1: '2', AUDIT2: '1', AUDIT3: '1', AUDIT4: '1', AUDIT5: '0', AUDIT6: '0', AUDIT7: '1', AUDIT8: '1', AUDIT9: '2', AUDIT10: '0' };
    await startRound(page, clientUrl, 'audit', 'screening', true);
    expect(page.url()).toMatch(/\/interview\/[^/]+\/self$/);
    expect(await page.evaluate(() => document.querySelector('asi-interview')!.getAttribute('mode'))).toBe('self');
    const codesShown: string[] = [];
    const ids1 = await runInterview(
      page,
      (id) => audit1[id]!,
      async () => {
        const text = await page.evaluate(() => {
          const root = document.querySelector('asi-interview')!.shadowRoot!;
          return `${root.textContent} ${root.querySelector('[data-control]')?.shadowRoot?.textContent ?? ''} ${root.querySelector('.item-id') ? '[item-id]' : ''}`;
        });
        codesShown.push(...(text.match(/AUDIT\d+|\[item-id\]/g) ?? []));
      },
    );
    expect(ids1).toEqual(Object.keys(audit1));
    expect(codesShown).toEqual([]);
    await complete(page, /Slutför/);
    const thanks = await interviewPartText(page, '.self-done');
    expect(thanks).toContain('Tack för dina svar');
    // The staff-only results (inside a closed disclosure) hold the total.
    expect((await profileRows(page, 1)).join(' | ')).toMatch(shows(9));

    // AUDIT 2, the interviewer at the keyboard: 1 + 2 (item 9) = 3 (AUDIT-C 1).
    const audit2: Record<string, string> = { ...Object.fromEntries(Object.keys(audit1).map((id) => [id, '0'])), AUDIT1: '1', AUDIT9: '2' };
    await startRound(page, clientUrl, 'audit', 'screening');
    expect(page.url()).not.toMatch(/\/self$/);
    expect(await runInterview(page, (id) => audit2[id]!)).toEqual(Object.keys(audit1));
    await complete(page, /Slutför/);
    const audit2Rows = await profileRows(page, 1);
    expect(audit2Rows[0]).toMatch(shows(3));

    // DUDIT 1: 1+1+1+1+1 + 2 (item 10) = 7; DUDIT 2: all 0.
    const duditIds = Array.from({ length: 11 }, (_, i) => `DUDIT${i + 1}`);
    const dudit1: Record<string, string> = { ...Object.fromEntries(duditIds.map((id) => [id, '0'])), DUDIT1: '1', DUDIT2: '1', DUDIT3: '1', DUDIT4: '1', DUDIT5: '1', DUDIT10: '2' };
    await startRound(page, clientUrl, 'dudit', 'screening');
    expect(await runInterview(page, (id) => dudit1[id]!)).toEqual(duditIds);
    await complete(page, /Slutför/);
    expect((await profileRows(page, 1))[0]).toMatch(shows(7));

    await startRound(page, clientUrl, 'dudit', 'screening');
    expect(await runInterview(page, () => '0')).toEqual(duditIds);
    await complete(page, /Slutför/);
    expect((await profileRows(page, 1))[0]).toMatch(shows(0));

    // The timeline offers one comparison per instrument: AUDIT first (its rounds started first), then DUDIT.
    const auditCmp = await compareFromTimeline(page, clientUrl, 0, 1);
    expect(auditCmp.title).toContain('AUDIT');
    expect(auditCmp.ids).toHaveLength(2);
    const auditTotal = auditCmp.rows.find((r) => /AUDIT totalpoäng/.test(r)) ?? auditCmp.rows[0]!;
    expect(auditTotal).toMatch(shows(9));
    expect(auditTotal).toMatch(shows(3));
    expect(auditTotal).toMatch(DIRECTION);
    expect(auditTotal).toContain('bättre'); // 9 → 3: fewer points is better

    const duditCmp = await compareFromTimeline(page, clientUrl, 1, 1);
    expect(duditCmp.title).toContain('DUDIT');
    expect(duditCmp.rows[0]).toMatch(shows(7));
    expect(duditCmp.rows[0]).toMatch(shows(0));
    expect(duditCmp.rows[0]).toContain('bättre'); // 7 → 0
    expect(fallbacks).toEqual([]);
    await page.close();
  }, 300_000);
});

describe('ADAD in the clinician app', () => {
  it('completes an intake and a discharge by keyboard, with the profile after each and a comparison', async () => {
    const page = await harness.browser.newPage();
    const clientUrl = await registerClient(page, 'ADAD-01');
    const isRating = (item: Item) => /_(WORRY|HELP|SEV)$/.test(item.id);

    await startRound(page, clientUrl, 'adad', 'intake');
    // ADAD's questions are the project's own: the interviewer is told so throughout.
    expect(await interviewPartText(page, '.notice.project')).toContain('projektets egna');
    const intake = await runInterview(page, typical(adad, '20260301'));
    expect(intake.length).toBeGreaterThan(100);
    await complete(page, /Slutför/);
    const intakeProfile = await profileRows(page, 9);
    expect(intakeProfile.length).toBeGreaterThanOrEqual(9);
    expect(intakeProfile.join(' | ')).toContain('Fysisk hälsa');
    expect(intakeProfile.join(' | ')).toContain('Narkotika');

    // Discharge: every rating one step lower (index 0 instead of 1); "since" questions dated from the intake's G1.
    await startRound(page, clientUrl, 'adad', 'discharge');
    let noticeSeen = false;
    const sinceLabels: string[] = [];
    const discharge = await runInterview(page, typical(adad, '20260901', (item) => (isRating(item) ? 0 : 1)), async (id) => {
      if (!noticeSeen) noticeSeen = (await interviewPartText(page, '.notice.project')).includes('projektets egna');
      const item = adad.item(id)!;
      if (item.sinceLast.has('discharge') && item.def.sinceLastText) sinceLabels.push(await questionLabel(page));
    });
    expect(noticeSeen).toBe(true);
    expect(discharge).toContain('V1'); // the discharge-only section about the stay
    expect(sinceLabels.length).toBeGreaterThan(0);
    for (const label of sinceLabels) expect(label).toContain('sedan 1 mars 2026');
    await complete(page, /Slutför/);
    expect((await profileRows(page, 9)).length).toBeGreaterThanOrEqual(9);

    const cmp = await compareFromTimeline(page, clientUrl, 0, 9);
    expect(cmp.title).toContain('ADAD');
    expect(cmp.rows.length).toBeGreaterThanOrEqual(9);
    expect(cmp.rows.join(' | ')).toContain('bättre'); // ratings 1 → 0
    expect(fallbacks).toEqual([]);
    await page.close();
  }, 300_000);
});

describe('DOK in the clinician app', () => {
  it('completes an intake with the feedback summary and a follow-up dated from it, then compares them', async () => {
    const page = await harness.browser.newPage();
    const code = 'DOK-01';
    const clientUrl = await registerClient(page, code);
    const isAudit = (item: Item) => /^AUDIT\d+$/.test(item.id);

    // Intake: the embedded AUDIT items get their second option: 8 × 1 + 2 × 2 = 12.
    await startRound(page, clientUrl, 'dok', 'intake');
    expect(await interviewPartText(page, '.notice.project')).toContain('projektets egna');
    const intake = await runInterview(page, typical(dok, '20260301'));
    expect(intake).toContain('AUDIT10');
    await complete(page, /Slutför/);
    const summaryTitle = await interviewPartText(page, '.summary h2');
    expect(summaryTitle).toBe('Sammanfattning för återkopplingssamtalet');
    const corrections = await page.evaluate(
      () => [...document.querySelector('asi-interview')!.shadowRoot!.querySelectorAll('.summary button.correct')].map((b) => b.textContent!.trim()),
    );
    expect(corrections.length).toBeGreaterThan(0);
    expect(corrections.every((c) => c === 'Rätta')).toBe(true);
    const intakeScores = await interviewPartText(page, 'table');
    expect(intakeScores).toContain('AUDIT');
    expect(intakeScores).toMatch(shows(12));

    // Follow-up: AUDIT items at 0 points; the "since" questions are dated from the intake's ADM1.
    await startRound(page, clientUrl, 'dok', 'follow-up');
    const since: Record<string, string> = {};
    const followUp = await runInterview(page, typical(dok, '20260901', (item) => (isAudit(item) ? 0 : 1)), async (id) => {
      const item = dok.item(id)!;
      if (item.sinceLast.has('follow-up') && item.def.sinceLastText) since[id] = await questionLabel(page);
    });
    expect(followUp.length).toBeLessThan(intake.length);
    expect(Object.keys(since)).toContain('BO5');
    for (const label of Object.values(since)) expect(label).toContain('sedan 1 mars 2026');
    await complete(page, /Slutför/);
    expect(await interviewPartText(page, '.summary h2')).toBe('Sammanfattning för återkopplingssamtalet');
    expect(await interviewPartText(page, 'table')).toMatch(shows(0));

    // Comparison: DOK has no profile, so one area per score, i.e. AUDIT and AUDIT-C.
    const cmp = await compareFromTimeline(page, clientUrl, 0, 1);
    expect(cmp.title).toContain('DOK');
    const total = cmp.rows.find((r) => /AUDIT totalpoäng/.test(r));
    expect(total, cmp.rows.join(' | ')).toBeDefined();
    expect(total).toMatch(shows(12));
    expect(total).toMatch(shows(0));
    expect(total).toContain('bättre');
    expect(fallbacks).toEqual([]);
    dokPage = { page, clientUrl, code };
  }, 300_000);

  it('exports the DOK client as a JSON backup and as CSV from the client page', async () => {
    // Uses the DOK client of the test above (same browser context, so the same IndexedDB).
    expect(dokPage, 'the DOK test above must have run and passed').toBeDefined();
    const { page, clientUrl, code } = dokPage!;
    await page.goto(clientUrl);
    await page.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('button'));
    const exchange = (part: string) =>
      page.evaluate((sel) => document.querySelector('asi-data-exchange')!.shadowRoot!.querySelector(sel)?.textContent?.trim() ?? '', part);
    expect(await exchange('h2')).toContain('1 klient');

    // JSON backup: one file.
    await tabTo(page, (f) => f.startsWith('button:Okrypterad säkerhetskopia'), 80);
    const [json] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(json.suggestedFilename()).toMatch(/^asi-interview-backup-\d{4}-\d{2}-\d{2}\.json$/);
    const bundle = JSON.parse(await readFile((await json.path())!, 'utf8')) as {
      clients: { code: string }[];
      interviews: { id: string; instrumentId: string; round: string; status: string }[];
      answers: { interviewId: string; itemId: string; value: unknown }[];
    };
    expect(bundle.clients.map((c) => c.code)).toEqual([code]);
    expect(bundle.interviews.map((i) => [i.instrumentId, i.round, i.status])).toEqual([
      ['dok', 'intake', 'completed'],
      ['dok', 'follow-up', 'completed'],
    ]);
    const intakeId = bundle.interviews[0]!.id;
    expect(bundle.answers.find((a) => a.interviewId === intakeId && a.itemId === 'ADM1')?.value).toBe('2026-03-01');
    expect(bundle.answers.some((a) => a.interviewId === intakeId && a.itemId === 'AUDIT10')).toBe(true);
    await page.waitForFunction(() => document.querySelector('asi-data-exchange')?.shadowRoot?.querySelector('[role=status]')?.textContent?.includes('Sparad'));

    // CSV: the DOK table and its codebook, two files.
    const downloads: Download[] = [];
    page.on('download', (d) => downloads.push(d));
    await page.keyboard.press('Tab');
    await tabTo(page, (f) => f.startsWith('button:Tabell (CSV)'), 10);
    await page.keyboard.press('Enter');
    await expect.poll(() => downloads.length, { timeout: 15_000 }).toBe(2);
    const names = downloads.map((d) => d.suggestedFilename());
    expect(names[0]).toMatch(/^dok-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(names[1]).toBe('dok-codebook-sv.csv');
    const csv = await readFile((await downloads[0]!.path())!, 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toContain('ADM1');
    expect(lines[0]).toContain('AUDIT10');
    expect(lines).toHaveLength(3); // header, intake, follow-up
    expect(lines[1]).toContain(code);
    expect(lines[1]).toContain('intake');
    expect(lines[2]).toContain('follow-up');
    const codebook = await readFile((await downloads[1]!.path())!, 'utf8');
    expect(codebook).toContain('ADM1');
    await page.close();
    dokPage = undefined;
  }, 120_000);
});
