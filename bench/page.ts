// Benchmark page: times definition loading, first item and every answer of <asi-interview> with performance.now().
import '../src/elements/define.js';
import { scaleFigures, type ScaleFigures } from './scale.js';
import { builtinDefinition } from '../src/core/definition/builtin.js';
import { loadInstrument } from '../src/core/definition/load.js';
import type { CompiledInstrument } from '../src/core/definition/compiled.js';
import type { AnswerValue } from '../src/core/definition/values.js';
import { applyChanges, planInterview, reconcileAutofill, type AnswerMap, type InterviewPlan, type StoredAnswer } from '../src/core/flow/plan.js';
import { startInterview } from '../src/core/flow/session.js';
import { openIdbStore, type IdbInterviewStore } from '../src/core/storage/idb-store.js';
import { createUnitKey, type ProtectionHeader, type UnitKey } from '../src/core/protection/unit-key.js';
import type { AnswerChange, ClientRecord } from '../src/core/storage/types.js';
import type { AnswerControl } from '../src/elements/controls/answer-control.js';
import type { AsiAnswerDetail, AsiInterview, AsiProgressDetail } from '../src/elements/interview/asi-interview.js';
import { benchAnswer, generateInstrument } from './generate.js';

export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
}

export interface LoadFigures {
  instrument: string;
  bytes: number;
  items: number;
  /** Items asked when every answer is the one the bench types (skips and auto-fills applied). */
  asked: number;
  parse: Stats;
  load: Stats;
  /** The very first loadInstrument call on the page (cold JIT), included in `load` as well. */
  loadCold: number;
  frameInterval: Stats;
}

export interface StartOptions {
  /** Resume from the last `late` asked items, every earlier one answered in one write beforehand. */
  late?: number;
  /** The interview's store is encrypted at rest (enableEncryption with the page's one unit key) before anything is written. */
  encrypted?: boolean;
  /** Reopen the interview this page last started with the same `encrypted` (interview-id) instead of a new one. */
  resume?: boolean;
}

export interface StartFigures {
  encrypted: boolean;
  resumed: boolean;
  storeOpenMs: number;
  /** enableEncryption on the fresh, empty database with the page's key made beforehand (0 for a plain store or a resume). */
  encryptMs: number;
  /** Answers written before the element was created (the "late in the interview" scenario). */
  prefilled: number;
  prefillMs: number;
  position: string | null;
  /** Creating the element → first question label in the DOM. */
  firstItemDomMs: number;
  /** Creating the element → end of the first animation frame that shows it. */
  firstItemPaintMs: number;
}

export interface NextItem {
  position: string;
  kind: string;
  answer: string;
}

export interface AnswerFigures {
  itemId: string;
  next: string | null;
  /** Enter's event timestamp → the keydown listener (input delivery). */
  deliverMs: number;
  /** Enter → `asi-answer` for the item (its strict-durability transaction has committed). */
  durableMs: number;
  /** Enter → the next item's question label is in the DOM. */
  domMs: number;
  /** Enter → end of the first animation frame after that (the frame that shows the next item). */
  paintMs: number;
  /** Enter → focus in the next item's field (ready for the next keystroke). */
  focusMs: number;
}

export interface BenchApi {
  instrument: string;
  loadFigures(runs: number): Promise<LoadFigures>;
  start(options?: StartOptions): Promise<StartFigures>;
  /** Waits until the current item's field has focus (and, if paced, the background snapshot write is done); arms the timers. */
  prepare(paced: boolean): Promise<NextItem | null>;
  collect(): Promise<AnswerFigures>;
  finish(): Promise<void>;
  /** Raw records of the current stores, read past the store API, to show that the encrypted one holds no plaintext. */
  atRest(): Promise<Partial<Record<Mode, AtRestFigures>>>;
  /** Group report and comparison over 1,000 clients × 3 rounds. */
  scale(): Promise<ScaleFigures>;
}

export type Mode = 'plain' | 'encrypted';

export interface AtRestFigures {
  /** Records in the `answers` object store of the mode's current database. */
  answers: number;
  /** Of those: with a `sealed` payload and no `value` field. */
  sealed: number;
  /** Of those: with a `value` field (the answer in clear). */
  withValue: number;
  /** Whether the bench client's code is anywhere in the raw `clients` records. */
  clientCodeInClear: boolean;
}

declare global {
  interface Window {
    bench: BenchApi;
  }
}

const params = new URLSearchParams(location.search);
const instrumentName = params.get('instrument') ?? 'demo';
const host = document.getElementById('host')!;
const statusLine = document.getElementById('status')!;

const now = () => performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** The raw definition document, as a page would get it. */
async function definitionDoc(): Promise<unknown> {
  const generated = /^generated-(\d+)$/.exec(instrumentName);
  if (generated) return generateInstrument(Number(generated[1]));
  return builtinDefinition(instrumentName);
}

/** Resolves just after the next animation frame has been rendered (rAF runs before paint; the message after it). */
function afterNextFrame(timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(now());
    };
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = finish;
      channel.port2.postMessage(0);
    });
    // A page that never renders frames (hidden) would hang the run: fall back, and let the figures show it.
    setTimeout(finish, timeoutMs);
  });
}

async function frameInterval(frames: number): Promise<Stats> {
  const times: number[] = [];
  await new Promise<void>((resolve) => {
    const tick = (t: number) => {
      times.push(t);
      if (times.length > frames) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return stats(times.slice(1).map((t, i) => t - times[i]!));
}

function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (now() > deadline) throw new Error(`bench page: timed out waiting for ${what}`);
    await sleep(0);
  }
}

const client: ClientRecord = {
  id: 'bench-client',
  code: 'BENCH-1',
  sex: 'unknown',
  createdAt: '2026-01-01T00:00:00+01:00',
  updatedAt: '2026-01-01T00:00:00+01:00',
};

/** One database and the interview in it; the page keeps one per mode, so plain and encrypted blocks can alternate. */
interface Session {
  name: string;
  store: IdbInterviewStore;
  interviewId?: string;
}

let el: AsiInterview | undefined;
const sessions: Partial<Record<Mode, Session>> = {};
let runCount = 0;
let armed: { promise: Promise<AnswerFigures>; cleanup: () => void } | undefined;

/** Made once per page: PBKDF2 at 600,000 iterations takes ~0.5 s, which belongs to unlocking, not to answering. */
let unitKey: Promise<{ header: ProtectionHeader; key: UnitKey }> | undefined;
const benchKey = () => (unitKey ??= createUnitKey('bench passphrase, not a secret'));

/** Takes the element off the page once its writes have settled; the stores stay open for a later resume. */
async function removeElement(): Promise<void> {
  armed?.cleanup();
  armed = undefined;
  if (el) {
    await el.settled();
    el.remove();
    el = undefined;
  }
}

function idbRequest<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Reads a database's records with IndexedDB itself, not through the store (which would decrypt them). */
async function rawRecords(name: string): Promise<{ answers: Record<string, unknown>[]; clients: Record<string, unknown>[] }> {
  const db = await idbRequest(indexedDB.open(name));
  try {
    const tx = db.transaction(['answers', 'clients'], 'readonly');
    const [answers, clients] = await Promise.all([idbRequest(tx.objectStore('answers').getAll()), idbRequest(tx.objectStore('clients').getAll())]);
    return { answers: answers as Record<string, unknown>[], clients: clients as Record<string, unknown>[] };
  } finally {
    db.close();
  }
}

/** Resolves when the DOM shows `position` (its control's question label; the end screen for null). */
async function screenShows(target: AsiInterview, position: string | null): Promise<number> {
  return waitFor(`the screen for ${position ?? 'the end'}`, () => {
    const root = target.shadowRoot;
    if (!root) return false;
    if (position === null) return root.querySelector('h2') && !root.querySelector('[data-control]') ? now() : false;
    const control = root.querySelector<AnswerControl>('[data-control]');
    if (!control || control.item?.id !== position || control.isUpdatePending) return false;
    const label = control.shadowRoot?.querySelector('label.question');
    return label?.textContent?.trim() ? now() : false;
  });
}

async function firstPaint(target: AsiInterview, t0: number): Promise<{ position: string | null; dom: number; paint: number }> {
  const progress = await new Promise<AsiProgressDetail>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench page: no asi-progress within 30 s')), 30_000);
    target.addEventListener('asi-error', (e) => reject(new Error(`asi-error: ${e.detail.message}`)), { once: true });
    target.addEventListener('asi-progress', (e) => (clearTimeout(timer), resolve(e.detail)), { once: true });
  });
  await target.updateComplete;
  const dom = await screenShows(target, progress.position);
  const paint = await afterNextFrame();
  return { position: progress.position, dom: dom - t0, paint: paint - t0 };
}

/** The plan once every asked item has the bench's answer, and those answers (conditions only look back, so a few
 * rounds of "answer what is asked, plan again" reach the fixed point). */
function benchPlan(instrument: CompiledInstrument): { plan: InterviewPlan; answers: AnswerMap } {
  const round = instrument.def.rounds[0]!.id;
  let answers: AnswerMap = {};
  let plan = planInterview(instrument, round, answers);
  for (let pass = 0; pass < 10; pass++) {
    const entered: Record<string, StoredAnswer> = {};
    for (const item of plan.asked) entered[item.id] = { value: benchValue(item.def.kind, item.options?.[0]?.value), source: 'entered' };
    const next = planInterview(instrument, round, entered);
    const same = next.asked.length === plan.asked.length && next.asked.every((item, i) => plan.asked[i] === item);
    answers = entered;
    plan = next;
    if (same) break;
  }
  return { plan, answers };
}

function benchValue(kind: string, firstOption?: number): AnswerValue {
  const text = benchAnswer(kind, firstOption);
  return /^\d+$/.test(text) && kind !== 'date' && kind !== 'time' ? Number(text) : text;
}

/** Answers every asked item before the last `remaining` asked ones (and their auto-fills) in one write; returns the count. */
async function prefill(target: IdbInterviewStore, interviewId: string, doc: unknown, remaining: number): Promise<number> {
  const instrument = loadInstrument(doc);
  const { plan, answers } = benchPlan(instrument);
  const cutoff = plan.asked[plan.asked.length - remaining]!.index;
  const changes: AnswerChange[] = plan.asked
    .filter((item) => item.index < cutoff)
    .map((item) => ({ itemId: item.id, value: answers[item.id]!.value, source: 'entered' }));
  const stored = applyChanges({}, changes);
  // Plus the auto-fills those answers switch on, as the interview itself would have stored them.
  changes.push(...reconcileAutofill(planInterview(instrument, 'intake', stored), stored));
  await target.saveAnswers(interviewId, changes, { actor: 'bench' });
  return changes.length;
}

window.bench = {
  instrument: instrumentName,

  scale: () => scaleFigures(host),

  async loadFigures(runs) {
    const doc = await definitionDoc();
    const json = JSON.stringify(doc);
    const parse: number[] = [];
    const load: number[] = [];
    let items = 0;
    let asked = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = now();
      const parsed: unknown = JSON.parse(json);
      const t1 = now();
      const compiled = loadInstrument(parsed);
      const t2 = now();
      parse.push(t1 - t0);
      load.push(t2 - t1);
      items = compiled.items.length;
      if (i === 0) asked = benchPlan(compiled).plan.asked.length;
      await sleep(0);
    }
    return {
      instrument: instrumentName,
      bytes: new TextEncoder().encode(json).length,
      items,
      asked,
      parse: stats(parse),
      load: stats(load),
      loadCold: load[0]!,
      frameInterval: await frameInterval(30),
    };
  },

  async start(options = {}) {
    await removeElement();
    const doc = await definitionDoc();
    const encrypted = options.encrypted === true;
    const mode: Mode = encrypted ? 'encrypted' : 'plain';
    let session = sessions[mode];
    let storeOpenMs = 0;
    let encryptMs = 0;
    let prefilled = 0;
    let prefillMs = 0;
    let interviewId = '';
    if (options.resume) {
      if (!session?.interviewId) throw new Error(`bench page: no ${mode} interview to resume`);
      interviewId = session.interviewId;
    } else {
      session?.store.close();
      const name = `asi-bench-${instrumentName}-${mode}-${Date.now()}-${++runCount}`;
      const s0 = now();
      const store = await openIdbStore({ name });
      storeOpenMs = now() - s0;
      if (encrypted) {
        const key = await benchKey();
        const e0 = now();
        await store.enableEncryption(key);
        encryptMs = now() - e0;
        if ((await store.protection()) !== 'unlocked') throw new Error('bench page: enableEncryption left the store not unlocked');
      }
      await store.putClient(client);
      if (options.late) {
        const p0 = now();
        const record = await startInterview({ store, instrument: loadInstrument(doc), client, round: 'intake' });
        prefilled = await prefill(store, record.id, doc, options.late);
        prefillMs = now() - p0;
        interviewId = record.id;
      }
      session = sessions[mode] = { name, store, interviewId: interviewId || undefined };
    }
    statusLine.textContent = `${instrumentName}: run ${runCount} (${mode}${options.resume ? ', resumed' : ''})`;

    // Built-in instruments by id (dynamic import, as an app would); generated ones as a definition object.
    const instrument = /^generated-/.test(instrumentName) ? doc : instrumentName;
    await afterNextFrame();
    const t0 = now();
    const element = document.createElement('asi-interview');
    element.lang = 'en';
    element.store = session.store;
    element.instrument = instrument as string | object;
    if (interviewId) element.interviewId = interviewId;
    else {
      element.round = 'intake';
      element.client = client;
      const own = session;
      element.addEventListener('asi-start', (e) => (own.interviewId = e.detail.interviewId), { once: true });
    }
    const first = firstPaint(element, t0);
    host.append(element);
    el = element;
    const { position, dom, paint } = await first;
    return { encrypted, resumed: options.resume === true, storeOpenMs, encryptMs, prefilled, prefillMs, position, firstItemDomMs: dom, firstItemPaintMs: paint };
  },

  async prepare(paced) {
    const target = el;
    if (!target?.actor) throw new Error('bench page: no interview running');
    if (paced) await target.settled();
    const actor = target.actor;
    await waitFor('the answering state', () => actor.getSnapshot().matches({ active: 'answering' }));
    const position = actor.getSnapshot().context.position;
    if (position === null) return null;
    await waitFor(`focus in the field of ${position}`, () => {
      const active = deepActiveElement();
      return active && (active.tagName === 'INPUT' || active.tagName === 'TEXTAREA') && active.id === `answer-${position}`;
    });
    const item = actor.getSnapshot().context.instrument.item(position)!;
    const answer = benchAnswer(item.def.kind, item.options?.[0]?.value);

    const rec = { t0: NaN, tKey: NaN, tDurable: NaN, tDom: NaN, tPaint: NaN, tFocus: NaN, next: undefined as string | null | undefined };
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || !Number.isNaN(rec.t0)) return;
      rec.tKey = now();
      // The event's own timestamp is when the browser received the key; use it unless it is on another clock.
      rec.t0 = e.timeStamp > 0 && e.timeStamp <= rec.tKey && rec.tKey - e.timeStamp < 1000 ? e.timeStamp : rec.tKey;
    };
    const onAnswer = (e: CustomEvent<AsiAnswerDetail>) => {
      if (e.detail.itemId === position && e.detail.source === 'entered' && Number.isNaN(rec.tDurable)) rec.tDurable = now();
    };
    const onProgress = (e: CustomEvent<AsiProgressDetail>) => {
      if (e.detail.position === position || rec.next !== undefined) return;
      rec.next = e.detail.position;
      const next = e.detail.position;
      void screenShows(target, next)
        .then((t) => {
          rec.tDom = t;
          return Promise.all([
            afterNextFrame().then((p) => (rec.tPaint = p)),
            next === null
              ? Promise.resolve()
              : waitFor(`focus on ${next}`, () => deepActiveElement()?.id === `answer-${next}`).then(() => (rec.tFocus = now())),
          ]);
        })
        .then(resolveDone, resolveDone);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    target.addEventListener('asi-answer', onAnswer);
    target.addEventListener('asi-progress', onProgress);
    const cleanup = () => {
      window.removeEventListener('keydown', onKey, { capture: true });
      target.removeEventListener('asi-answer', onAnswer);
      target.removeEventListener('asi-progress', onProgress);
    };
    const promise = (async (): Promise<AnswerFigures> => {
      const timeout = sleep(15_000).then(() => 'timeout' as const);
      const outcome = await Promise.race([done.then(() => 'done' as const), timeout]);
      cleanup();
      const snapshot = actor.getSnapshot();
      if (outcome === 'timeout' || Number.isNaN(rec.tDom)) {
        const why = snapshot.context.rejection?.message.en ?? snapshot.context.saveError?.message ?? JSON.stringify(snapshot.value);
        throw new Error(`bench page: answer "${answer}" to ${position} did not move on (${why})`);
      }
      return {
        itemId: position,
        next: rec.next ?? null,
        deliverMs: rec.tKey - rec.t0,
        durableMs: rec.tDurable - rec.t0,
        domMs: rec.tDom - rec.t0,
        paintMs: rec.tPaint - rec.t0,
        focusMs: rec.tFocus - rec.t0,
      };
    })();
    armed = { promise, cleanup };
    return { position, kind: item.def.kind, answer };
  },

  async collect() {
    if (!armed) throw new Error('bench page: collect() without prepare()');
    const { promise } = armed;
    armed = undefined;
    return promise;
  },

  async atRest() {
    const out: Partial<Record<Mode, AtRestFigures>> = {};
    for (const [mode, session] of Object.entries(sessions) as [Mode, Session][]) {
      const { answers, clients } = await rawRecords(session.name);
      out[mode] = {
        answers: answers.length,
        sealed: answers.filter((r) => 'sealed' in r && !('value' in r)).length,
        withValue: answers.filter((r) => 'value' in r).length,
        clientCodeInClear: JSON.stringify(clients).includes(client.code),
      };
    }
    return out;
  },

  async finish() {
    await removeElement();
    for (const mode of Object.keys(sessions) as Mode[]) {
      sessions[mode]!.store.close();
      delete sessions[mode];
    }
  },
};

statusLine.textContent = `ready: ${instrumentName}`;
document.documentElement.dataset['benchReady'] = 'true';
