// Kill after every answer (reliability item 1): SIGKILL Chromium's process group after each saved ASI answer, relaunch on the same profile, compare.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { builtinDefinition, loadInstrument, type CompiledInstrument } from '../../src/core/definition/index.js';
import type { AnswerValue } from '../../src/core/definition/values.js';
import { verifyChain } from '../../src/core/storage/audit-chain.js';
import type { AnswerRecord, AuditEvent, InterviewRecord } from '../../src/core/storage/types.js';
import { answerCurrent, answeredCount, position, tabTo, waitForInterview } from './app-harness.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const executablePath = [process.env.CHROME_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && existsSync(p));

/** Generous on this shared 2-core machine: a slow relaunch must not look like a lost answer. */
const WAIT_MS = 30_000;

const FLAGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--password-store=basic',
  // A killed profile is marked as crashed; these keep the next launch from offering or doing a session restore.
  '--disable-session-crashed-bubble',
  '--hide-crash-restore-bubble',
];

export interface KillRunOptions {
  /** How many answer-then-kill cycles (each answer is followed by one kill). */
  kills: number;
  /** Progress lines (the on-demand script prints them; the test stays quiet). */
  log?: (line: string) => void;
  /**
   * Runs after relaunch `kill` reopened the interview and before the checks; the harness's own test uses it to damage
   * the store and show that each check can fail. Not for a real run.
   */
  tamper?: (page: Page, interviewId: string, kill: number) => Promise<void>;
}

export interface KillRunResult {
  kills: number;
  /** Answers entered and confirmed saved ("Sparat", moved on) before a kill. */
  entered: number;
  /** Auto-filled values the app reported saved (asi-answer with source autofill). */
  autofilled: number;
  /** "kill k: ITEM expected v, found w|nothing" for every confirmed value missing or different after a relaunch. */
  lost: string[];
  /** Stored answers nobody confirmed, and audit answer events repeated or not matching the confirmed changes. */
  duplicates: string[];
  /** "kill k: expected ITEM, resumed at X" when the reopened interview is not at the item after the last answer. */
  resumeMismatches: string[];
  /** Audit chains that no longer verify after a relaunch. */
  brokenChains: string[];
  /** Relaunches where Chromium opened something other than the blank page asked for (a session restore). */
  restoredPages: string[];
  ms: number;
  /** Mean milliseconds per cycle for the kill (to every process gone), the relaunch (to CDP attached), reopening the interview and answering. */
  phases: { kill: number; launch: number; reopen: number; answer: number };
}

/** What the store holds for one interview, read in the page from IndexedDB itself. */
export interface StoredInterview {
  interview: InterviewRecord | undefined;
  answers: AnswerRecord[];
  /** In `seq` order. */
  audit: AuditEvent[];
  chainOk: boolean;
}

/**
 * The one place that reads the store's records for the checks: today's plain record shapes from the `asi-interview`
 * database (answers keyed [interviewId, itemId], audit by index byInterview), read in the page, and the store's own
 * chain check run here in Node on what was read. When records are encrypted at rest, only this function changes.
 */
export async function readStoredInterview(page: Page, interviewId: string): Promise<StoredInterview> {
  const read = await page.evaluate(async (interviewId) => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const open = indexedDB.open('asi-interview');
      open.onsuccess = () => ok(open.result);
      open.onerror = () => fail(open.error);
    });
    try {
      const tx = db.transaction(['interviews', 'answers', 'audit'], 'readonly');
      // No named helper functions in here: tsx (esbuild keepNames) would wrap them in a __name() the page lacks.
      const [interview, answers, audit] = await Promise.all(
        [
          tx.objectStore('interviews').get(interviewId),
          tx.objectStore('answers').getAll(IDBKeyRange.bound([interviewId, ''], [interviewId, '\uffff'])),
          tx.objectStore('audit').index('byInterview').getAll(interviewId),
        ].map(
          (request: IDBRequest) =>
            new Promise<any>((ok, fail) => {
              request.onsuccess = () => ok(request.result);
              request.onerror = () => fail(request.error);
            }),
        ),
      );
      return { interview: interview as InterviewRecord | undefined, answers: answers as AnswerRecord[], audit: audit as AuditEvent[] };
    } finally {
      db.close();
    }
  }, interviewId);
  const audit = read.audit.sort((a, b) => a.seq! - b.seq!);
  return { ...read, audit, chainOk: (await verifyChain(audit)).ok };
}

/**
 * Answers that make the app auto-fill the next item (G20, M2, E5, E9) in the same transaction, so that the checks
 * also cover values nobody typed: G19 1 = no controlled environment, M1 0 hospitalisations, E4 and E8 0 = no.
 */
const AUTOFILL_TRIGGERS: Readonly<Record<string, string>> = { G19: '1', M1: '0', E4: '0', E8: '0' };

/**
 * What an interviewer would type for an ASI item: a valid, unremarkable answer of its kind (the values asi.test
 * takes through a whole Grund), with text answers naming their item so a value stored under the wrong item shows.
 */
export function typicalAsiAnswer(asi: CompiledInstrument, date = '20260314') {
  return (id: string): string => {
    const item = asi.item(id)!;
    if (id === 'G12') return 'n'; // N = the interview was completed
    if (AUTOFILL_TRIGGERS[id]) return AUTOFILL_TRIGGERS[id];
    switch (item.def.kind) {
      case 'date':
        return date;
      case 'time':
        return '1000';
      case 'text':
        return `svar ${id}`;
      case 'days':
        return '2';
      case 'count':
        return '1';
      case 'money':
        return '1000';
      case 'yesno':
        return '1';
      case 'duration':
        return '2';
      default:
        return String(item.options![Math.min(1, item.options!.length - 1)]!.value);
    }
  };
}

/** The clinician app from its Vite config on 127.0.0.1 at a free port, not watching: others' edits never reload it mid-run. */
export async function startAppServer(): Promise<{ server: ViteDevServer; baseUrl: string }> {
  const server = await createServer({
    configFile: join(repo, 'vite.app.config.ts'),
    root: join(repo, 'src/app'),
    server: { host: '127.0.0.1', port: 0, strictPort: false, watch: null, hmr: false },
    logLevel: 'error',
  });
  await server.listen();
  const address = server.httpServer!.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not listen on a TCP port');
  return { server, baseUrl: `http://127.0.0.1:${address.port}/` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live (not zombie) processes in a process group, from /proc. */
export function liveInGroup(pgid: number): number[] {
  const live: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') live.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return live;
}

/** One Chromium on a persistent profile, leading its own process group so that one signal ends all its processes. */
export class KilledBrowser {
  child: ChildProcess | undefined;
  browser: Browser | undefined;
  private exited: Promise<void> | undefined;

  constructor(readonly profile: string) {}

  /** Launches Chromium on the profile and attaches over CDP; returns the page it opened. */
  async launch(): Promise<{ page: Page; restored: string[] }> {
    if (!executablePath) throw new Error('No Chromium found: install it (apt-get install -y chromium) or set CHROME_PATH');
    const portFile = join(this.profile, 'DevToolsActivePort');
    rmSync(portFile, { force: true }); // the killed browser's file names a port nobody listens on any more
    let stderr = '';
    const child = spawn(executablePath, [...FLAGS, `--user-data-dir=${this.profile}`, '--remote-debugging-port=0', 'about:blank'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    this.child = child;
    this.exited = new Promise((ok) => child.once('exit', () => ok()));
    const started = Date.now();
    let port: string | undefined;
    while (!port) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Chromium exited at start: ${stderr}`);
      if (Date.now() - started > WAIT_MS) throw new Error(`Chromium wrote no DevToolsActivePort within ${WAIT_MS} ms: ${stderr}`);
      // The file is written whole with a newline after the port; a partial read just waits for the next poll.
      const text = existsSync(portFile) ? readFileSync(portFile, 'utf8') : '';
      if (/^\d+\n/.test(text)) port = text.split('\n')[0];
      else await sleep(25);
    }
    this.browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { timeout: WAIT_MS });
    const context = this.browser.contexts()[0]!;
    const pages = context.pages().length ? context.pages() : [await context.waitForEvent('page', { timeout: WAIT_MS })];
    const restored = pages.map((p) => p.url()).filter((url) => url !== 'about:blank');
    return { page: pages[0]!, restored };
  }

  /** SIGKILL to the whole group (browser, renderers, GPU and utility processes), then waits until every one has gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.child = undefined;
    const browser = this.browser;
    this.browser = undefined;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
    await this.exited;
    const started = Date.now();
    while (liveInGroup(child.pid).length) {
      if (Date.now() - started > WAIT_MS) throw new Error(`Chromium processes ${liveInGroup(child.pid).join(' ')} outlived SIGKILL`);
      await sleep(10);
    }
    // The CDP socket is dead; drop playwright's side of it without waiting on the browser.
    await browser?.close().catch(() => undefined);
  }
}

interface Probe {
  actor?: { getSnapshot(): { value: unknown; context: { position: string | null } } };
  shadowRoot: ShadowRoot | null;
}

/** Waits for what a user sees after an answer: the interview answering again, and "Sparat" (saved) in its header. */
async function waitSaved(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const el = document.querySelector('asi-interview') as unknown as Probe | null;
      const state = el?.shadowRoot?.querySelector('.save-state');
      return JSON.stringify(el?.actor?.getSnapshot().value) === '{"active":"answering"}' && !state?.classList.contains('failed') && /^(Sparat|Saved)$/.test(state?.textContent?.trim() ?? '');
    },
    undefined,
    { timeout: WAIT_MS },
  );
}

interface AnswerEventDetail {
  itemId: string;
  value: AnswerValue | null;
  source: 'entered' | 'autofill';
}

declare global {
  interface Window {
    __killAnswers?: AnswerEventDetail[];
  }
}

/** Collects the page's asi-answer events (fired only after the write committed) until the next kill. */
function listenForAnswers(page: Page): Promise<void> {
  return page.evaluate(() => {
    window.__killAnswers = [];
    document.addEventListener('asi-answer', (e) => window.__killAnswers!.push((e as CustomEvent<AnswerEventDetail>).detail), true);
  });
}

/**
 * A whole run: a client registered and an ASI Grund started from the keyboard in the app, then `kills` times: answer,
 * see it saved, SIGKILL, relaunch, reopen the interview URL and compare the store and the position with what was
 * confirmed. Discrepancies are collected, not thrown, so that one run reports them all; a step that cannot happen at
 * all (no Chromium, an answer refused, a page that never loads) throws.
 */
export class KillRun {
  private server: ViteDevServer | undefined;
  private chrome: KilledBrowser | undefined;
  private readonly profile = mkdtempSync(join(tmpdir(), 'asi-kill-'));

  async run(options: KillRunOptions): Promise<KillRunResult> {
    const log = options.log ?? (() => undefined);
    const t0 = Date.now();
    const asi = loadInstrument(await builtinDefinition('asi'));
    const typed = typicalAsiAnswer(asi);
    const { server, baseUrl } = await startAppServer();
    this.server = server;
    const chrome = (this.chrome = new KilledBrowser(this.profile));
    const result: KillRunResult = {
      kills: 0,
      entered: 0,
      autofilled: 0,
      lost: [],
      duplicates: [],
      resumeMismatches: [],
      brokenChains: [],
      restoredPages: [],
      ms: 0,
      phases: { kill: 0, launch: 0, reopen: 0, answer: 0 },
    };

    let { page } = await chrome.launch();
    const { clientId, interviewId } = await startAsiGrund(page, baseUrl);
    const interviewUrl = `${baseUrl}#/client/${clientId}/interview/${interviewId}`;
    const stored = await readStoredInterview(page, interviewId);
    if (stored.interview?.instrumentId !== 'asi' || stored.interview.round !== 'grund') {
      throw new Error(`The app started ${stored.interview?.instrumentId}/${stored.interview?.round}, not asi/grund`);
    }
    await listenForAnswers(page);

    /** Every value confirmed saved, by item (what the store must hold). */
    const confirmed = new Map<string, AnswerValue>();
    /** The audit answer events the confirmed changes must have produced, in order: "ITEM=value". */
    const expectedEvents: string[] = [];
    const phase = { kill: 0, launch: 0, reopen: 0, answer: 0 };

    for (let k = 1; k <= options.kills; k++) {
      let t = Date.now();
      const before = await position(page);
      if (before === null) throw new Error(`ASI Grund ended after ${k - 1} answers; fewer items than kills asked for`);
      const text = typed(before);
      await answerCurrent(page, () => text);
      await waitSaved(page);
      const events = await page.evaluate(() => window.__killAnswers ?? []);
      if (!events.some((e) => e.itemId === before && e.source === 'entered')) {
        throw new Error(`The answer to ${before} moved the interview on without an asi-answer event`);
      }
      for (const e of events) {
        if (e.value !== (confirmed.get(e.itemId) ?? null)) expectedEvents.push(`${e.itemId}=${JSON.stringify(e.value)}`);
        if (e.value === null) confirmed.delete(e.itemId);
        else confirmed.set(e.itemId, e.value);
        if (e.source === 'entered') result.entered++;
        else result.autofilled++;
      }
      const next = await position(page);
      const count = await answeredCount(page);
      phase.answer += Date.now() - t;

      t = Date.now();
      await chrome.kill();
      result.kills = k;
      phase.kill += Date.now() - t;

      t = Date.now();
      const launched = await chrome.launch();
      page = launched.page;
      if (launched.restored.length) result.restoredPages.push(`kill ${k}: ${launched.restored.join(' ')}`);
      phase.launch += Date.now() - t;

      t = Date.now();
      await page.goto(interviewUrl);
      if (page.url() !== interviewUrl) throw new Error(`Relaunch ${k} opened ${page.url()}, not ${interviewUrl}`);
      await waitForInterview(page);
      await waitSaved(page);
      await listenForAnswers(page);
      phase.reopen += Date.now() - t;
      await options.tamper?.(page, interviewId, k);

      const now = await readStoredInterview(page, interviewId);
      const answers = new Map(now.answers.map((a) => [a.itemId, a.value]));
      for (const [itemId, value] of confirmed) {
        if (answers.get(itemId) !== value) {
          result.lost.push(`kill ${k}: ${itemId} expected ${JSON.stringify(value)}, found ${answers.has(itemId) ? JSON.stringify(answers.get(itemId)) : 'nothing'}`);
        }
      }
      for (const [itemId, value] of answers) {
        if (!confirmed.has(itemId)) result.duplicates.push(`kill ${k}: ${itemId}=${JSON.stringify(value)} stored but never confirmed`);
      }
      const auditEvents = now.audit.filter((e) => e.type === 'answer').map((e) => `${e.itemId}=${JSON.stringify(e.new)}`);
      if (auditEvents.join('\n') !== expectedEvents.join('\n')) {
        const repeated = auditEvents.filter((e, i) => auditEvents.indexOf(e) !== i);
        result.duplicates.push(
          `kill ${k}: ${auditEvents.length} audit answer events for ${expectedEvents.length} confirmed changes` +
            (repeated.length ? `, repeated: ${repeated.join(', ')}` : `, first difference at ${auditEvents.findIndex((e, i) => e !== expectedEvents[i])}`),
        );
      }
      if (!now.chainOk) result.brokenChains.push(`kill ${k}`);
      const resumed = await position(page);
      const resumedCount = await answeredCount(page);
      if (resumed !== next || resumedCount !== count) {
        result.resumeMismatches.push(`kill ${k}: expected ${next} with ${count} answered, resumed at ${resumed} with ${resumedCount}`);
      }
      if (k % 10 === 0 || k === options.kills) {
        log(`${k} kills, last answer ${before}=${text}, resumed at ${resumed}, ${Math.round((Date.now() - t0) / 1000)} s`);
      }
    }
    const n = Math.max(1, result.kills);
    result.phases = { kill: Math.round(phase.kill / n), launch: Math.round(phase.launch / n), reopen: Math.round(phase.reopen / n), answer: Math.round(phase.answer / n) };
    result.ms = Date.now() - t0;
    return result;
  }

  /** Always safe to call, also after a failure or a timeout mid-run: kills the browser, stops Vite, removes the profile. */
  async dispose(): Promise<void> {
    await this.chrome?.kill().catch(() => undefined);
    await this.server?.close().catch(() => undefined);
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Registers a client and starts ASI Grund from the keyboard, as asi.test does; returns the ids the URL then names. */
/** From the app's client list (already loaded, or at `baseUrl`), by keyboard: a new client with `code`, then ASI Grund. */
export async function startAsiGrund(page: Page, baseUrl: string | undefined, code = 'KILL-01'): Promise<{ clientId: string; interviewId: string }> {
  if (baseUrl !== undefined) await page.goto(baseUrl);
  await page.waitForFunction(() => document.querySelector('asi-client-list')?.shadowRoot?.querySelector('input[name=code]'), undefined, { timeout: WAIT_MS });
  await tabTo(page, (f) => f === 'input[name=code]');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/client\/[^/]+$/, { timeout: WAIT_MS });
  await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=instrument] option[value=asi]'), undefined, {
    timeout: WAIT_MS,
  });
  await tabTo(page, (f) => f.startsWith('select[name=instrument]'));
  await page.keyboard.press('ArrowDown'); // ASI is the second instrument
  await page.waitForFunction(() => document.querySelector('asi-client-rounds')?.shadowRoot?.querySelector('select[name=round] option[value=grund]'), undefined, {
    timeout: WAIT_MS,
  });
  await tabTo(page, (f) => f.startsWith('button:Starta'));
  await page.keyboard.press('Enter');
  // The app replaces #/start/… with the interview's own URL once the record exists.
  await page.waitForURL(/#\/client\/[^/]+\/interview\/[^/]+$/, { timeout: WAIT_MS });
  await waitForInterview(page);
  const [, clientId, interviewId] = /#\/client\/([^/]+)\/interview\/([^/]+)$/.exec(page.url())!;
  return { clientId: clientId!, interviewId: interviewId! };
}
