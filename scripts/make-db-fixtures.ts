// npx tsx scripts/make-db-fixtures.ts [v1|v2 ...]: writes tests/fixtures/db/*.json, raw IndexedDB contents made by the released v0.1 code (v1) and by this checkout (v2 plain and encrypted).
//
// Released fixtures are never regenerated (tests/fixtures/db/README.md): by default this writes only the files that
// do not exist yet, so adding the next version's fixture leaves the older ones byte for byte as they were. Pass
// `--force` to overwrite (only for a fixture of a version that has not been released).
//
// Everything is deterministic: the clock, randomUUID and getRandomValues are replaced by seeded stand-ins before any
// data is written (also the encrypted fixture's salt, key and IVs: it is a test fixture with a published passphrase).
process.env.TZ = 'Europe/Stockholm'; // nowWithOffset() writes local time with its offset: the same one wherever this runs

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { waitFor } from 'xstate';
import { DEMO_ANSWERS } from '../tests/fixtures/demo-answers.js';
import { mulberry32 } from '../src/core/simulation/random.js';
import { dumpDatabase, rawToFixture, type DbFixture, type RawDatabase } from '../tests/fixtures/db/fixture-db.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(repo, 'tests/fixtures/db');
/** The released v0.1 store: the last commit before schema v2 and encryption. */
const V1_COMMIT = '3072e3e';
/** The encrypted fixture's passphrase. A test value, published in the fixture and its README: never use it for real data. */
export const TEST_PASSPHRASE = 'test-fixture-passphrase-not-secret';

// ---- determinism ----------------------------------------------------------------------------------------------------

const RealDate = Date;
/**
 * The virtual clock and id stream, reset before each database. The clock stands still until the script moves it on
 * (each answer, status change and new record is a step): how many times the code reads it depends on timing (the
 * session coalesces its snapshot writes, and how many it makes depends on when crypto work on other threads
 * finishes), so a clock that moved on each reading would make every later timestamp depend on that.
 */
const streams = { now: 0, uuid: mulberry32(1) };
let bytes = mulberry32(2);

function resetStreams(seed: number): void {
  streams.now = RealDate.UTC(2026, 2, 14, 8, 30, 0); // 14 March 2026, 09:30 in Stockholm
  streams.uuid = mulberry32(seed);
  bytes = mulberry32(seed + 1000);
}

/** One step of the interview: 7 s, about the time an answer takes. */
const step = (ms = 7000) => void (streams.now += ms);

class FixtureDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(streams.now);
    else super(...(args as [string]));
  }
  static override now(): number {
    return streams.now;
  }
}
globalThis.Date = FixtureDate as DateConstructor;

const hex = (n: number) => Math.floor(streams.uuid() * 16 ** n).toString(16).padStart(n, '0');
Object.defineProperty(globalThis.crypto, 'randomUUID', {
  configurable: true,
  value: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(streams.uuid() * 4)).toString(16)}${hex(3)}-${hex(6)}${hex(6)}`,
});
Object.defineProperty(globalThis.crypto, 'getRandomValues', {
  configurable: true,
  value: <T extends ArrayBufferView | null>(array: T): T => {
    const view = new Uint8Array(array!.buffer, array!.byteOffset, array!.byteLength);
    for (let i = 0; i < view.length; i++) view[i] = Math.floor(bytes() * 256);
    return array;
  },
});

// ---- driving a store as the app does --------------------------------------------------------------------------------

/** The parts of the root export (src/index.ts) this uses: the same names in v0.1 and now. */
interface Core {
  builtinDefinition(id: string): Promise<unknown>;
  loadInstrument(doc: unknown): Compiled;
  parseAnswer(instrument: Compiled, item: CompiledItem, text: string): { ok: true; value: unknown } | { ok: false };
  startInterview(options: Record<string, unknown>): Promise<{ id: string }>;
  openInterview(options: Record<string, unknown>): Promise<Session>;
  simulateBundle(options: Record<string, unknown>): Promise<Records>;
}
interface CompiledItem {
  def: { kind: string };
  options?: { value: unknown }[];
}
interface Compiled {
  item(id: string): CompiledItem | undefined;
}
type Snapshot = { matches(state: unknown): boolean; context: { position: string | null } };
interface Session {
  actor: { getSnapshot(): Snapshot; send(event: Record<string, unknown>): void; subscribe(f: (s: Snapshot) => void): { unsubscribe(): void } };
  settled(): Promise<void>;
  stop(): void;
}
interface Records {
  clients: unknown[];
  interviews: unknown[];
  answers: unknown[];
  audit: unknown[];
  scores: unknown[];
}
interface Store {
  putClient(c: unknown): Promise<void>;
  importRecords(r: Records): Promise<void>;
  close(): void;
  enableEncryption?(passphrase: string): Promise<void>;
}

/** Items whose answer makes the app auto-fill the next one, so the fixture holds `source: 'autofill'` records too. */
const AUTOFILL_TRIGGERS: Readonly<Record<string, string>> = { G19: '1', M1: '0', E4: '0', E8: '0' };

/** An unremarkable valid answer to an ASI item, as a clinician would type it (the texts the kill test types). */
function asiText(item: CompiledItem, id: string): string {
  if (id === 'G12') return 'n'; // N: the interview was completed
  if (AUTOFILL_TRIGGERS[id]) return AUTOFILL_TRIGGERS[id];
  switch (item.def.kind) {
    case 'date':
      return '20260314';
    case 'time':
      return '1000';
    case 'text':
      return `svar ${id}`;
    case 'days':
    case 'duration':
      return '2';
    case 'count':
    case 'yesno':
      return '1';
    case 'money':
      return '1000';
    default:
      return String(item.options![Math.min(1, item.options!.length - 1)]!.value);
  }
}

/** Answers items through the session's machine (each answer a committed store write) until `stop` says so or the round ends. */
async function answer(core: Core, instrument: Compiled, session: Session, text: (item: CompiledItem, id: string) => string, stop = (_n: number) => false) {
  const { actor } = session;
  for (let n = 0; actor.getSnapshot().context.position && !stop(n); n++) {
    const id = actor.getSnapshot().context.position!;
    const item = instrument.item(id)!;
    const parsed = core.parseAnswer(instrument, item, text(item, id));
    if (!parsed.ok) throw new Error(`The answer "${text(item, id)}" to ${id} does not parse`);
    step();
    actor.send({ type: 'answer.set', value: parsed.value });
    await waitFor(actor as never, (s: Snapshot) => (s.matches({ active: 'answering' }) && s.context.position !== id) || s.matches({ active: 'saveFailed' }));
    if (actor.getSnapshot().matches({ active: 'saveFailed' })) throw new Error(`Saving the answer to ${id} failed`);
  }
}

/** Sends a status event (complete, reopen, pause, terminate) one step later and waits until it is stored. */
async function send(session: Session, event: Record<string, unknown>, state: unknown): Promise<void> {
  step();
  session.actor.send(event);
  await until(session, state);
}

async function until(session: Session, state: unknown): Promise<void> {
  await waitFor(session.actor as never, (s: Snapshot) => s.matches(state));
  await session.settled();
}

/**
 * The same data through either code base: three clients; a demo intake completed, then reopened and corrected with
 * a reason and completed again; a demo follow-up paused midway; an ASI Grund completed (composite scores); an ASI
 * Lite terminated with a reason; and a small simulated demo bundle imported. `between` runs after the demo intake
 * (the encrypted fixture turns encryption on there, so it holds records sealed in place and sealed at write).
 */
async function populate(core: Core, store: Store, between?: () => Promise<void>): Promise<void> {
  const demo = core.loadInstrument(await core.builtinDefinition('demo'));
  const asi = core.loadInstrument(await core.builtinDefinition('asi'));
  const at = new Date().toISOString();
  const clients = [
    { id: 'client-anna', code: 'K-001', sex: 'female', birthYear: 1984, createdAt: at, updatedAt: at },
    { id: 'client-bo', code: 'K-002', sex: 'male', birthYear: 1990, createdAt: at, updatedAt: at },
    { id: 'client-cy', code: 'K-003', sex: 'unknown', createdAt: at, updatedAt: at },
  ];
  for (const c of clients) await store.putClient(c);
  const open = async (instrument: Compiled, client: unknown, round: string, interviewer: string) => {
    step(60_000);
    const interview = await core.startInterview({ store, instrument, client, round, interviewer });
    return core.openInterview({ store, instrument, interview });
  };
  const demoText = (_item: CompiledItem, id: string) => DEMO_ANSWERS[id]!;

  // Demo intake: completed, corrected after completion with a reason (scores recomputed), completed again.
  const intake = await open(demo, clients[0], 'intake', 'anna.s');
  await answer(core, demo, intake, demoText);
  await send(intake, { type: 'interview.complete' }, 'completed');
  await send(intake, { type: 'interview.reopen', reason: 'Klienten rättade antalet dagar' }, { active: 'answering' });
  intake.actor.send({ type: 'nav.goto', itemId: 'H_DAYS' });
  step();
  intake.actor.send({ type: 'answer.set', value: 12 });
  await waitFor(intake.actor as never, (s: Snapshot) => s.matches({ active: 'answering' }) && s.context.position !== 'H_DAYS');
  await send(intake, { type: 'interview.complete' }, 'completed');
  intake.stop();

  await between?.();

  // Demo follow-up: five answers, then paused.
  const followUp = await open(demo, clients[0], 'follow-up', 'anna.s');
  await answer(core, demo, followUp, demoText, (n) => n >= 5);
  await send(followUp, { type: 'interview.pause' }, 'paused');
  followUp.stop();

  // ASI Grund, every item, completed: composite scores with provenance, auto-filled answers.
  const grund = await open(asi, clients[1], 'grund', 'bo.i');
  await answer(core, asi, grund, asiText);
  await send(grund, { type: 'interview.complete' }, 'completed');
  grund.stop();

  // ASI Lite: twelve answers, then terminated with a reason.
  const lite = await open(asi, clients[2], 'lite', 'cy.o');
  await answer(core, asi, lite, asiText, (n) => n >= 12);
  await send(lite, { type: 'interview.terminate', reason: 'Klienten avbröt intervjun' }, 'terminated');
  lite.stop();

  // An imported bundle (another unit's records): two simulated demo clients with an intake and a follow-up each.
  const bundle = await core.simulateBundle({ instrument: demo, clients: 2, rounds: ['intake', 'follow-up'], seed: 'db-fixture', incompleteRate: 0 });
  await store.importRecords({ clients: bundle.clients, interviews: bundle.interviews, answers: bundle.answers, audit: bundle.audit, scores: bundle.scores });
}

function writeFixture(file: string, raw: RawDatabase, about: Omit<Parameters<typeof rawToFixture>[1], 'fixture'>, force: boolean): void {
  const path = join(out, `${file}.json`);
  if (existsSync(path) && !force) {
    console.log(`kept ${path} (exists; released fixtures are never regenerated)`);
    return;
  }
  const fixture: DbFixture = rawToFixture(raw, { fixture: file, ...about });
  writeFileSync(path, `${JSON.stringify(fixture, null, 1)}\n`);
  const counts = Object.entries(raw.stores).map(([n, r]) => `${n} ${r.length}`).join(', ');
  console.log(`wrote ${path}: version ${raw.version}, ${counts}`);
}

/** The v1 fixture, written by the v0.1 code itself: its src/ and instruments/ extracted from git, run on fake-indexeddb. */
async function makeV1(force: boolean): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'asi-v01-'));
  try {
    const archive = execFileSync('git', ['archive', V1_COMMIT, 'src', 'instruments'], { cwd: repo, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', tmp], { input: archive });
    // Its package.json makes the tree an ES module package, as it was; its dependencies are this checkout's (the same idb).
    writeFileSync(join(tmp, 'package.json'), execFileSync('git', ['show', `${V1_COMMIT}:package.json`], { cwd: repo }));
    symlinkSync(join(repo, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    const core = (await import(pathToFileURL(join(tmp, 'src/index.ts')).href)) as Core;
    const idb = (await import(pathToFileURL(join(tmp, 'src/core/storage/idb-store.ts')).href)) as {
      openIdbStore(o: { name: string; factory: IDBFactory }): Promise<Store>;
      DB_VERSION: number;
    };
    if (idb.DB_VERSION !== 1) throw new Error(`${V1_COMMIT} has DB_VERSION ${idb.DB_VERSION}, not 1`);
    resetStreams(101);
    const factory = new IDBFactory();
    const store = await idb.openIdbStore({ name: 'asi-interview', factory });
    await populate(core, store);
    store.close();
    writeFixture('v1', await dumpDatabase(factory, 'asi-interview'), {
      about: 'Schema v1 as released in asi-interview 0.1.0: every object store of a database written by that code (see README.md).',
      madeBy: `scripts/make-db-fixtures.ts running the src/ of commit ${V1_COMMIT} (asi-interview 0.1.0) on fake-indexeddb`,
    }, force);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The v2 fixtures, written by this checkout: the same data plain, and with encryption turned on after the demo intake. */
async function makeV2(force: boolean): Promise<void> {
  const core = (await import('../src/index.js')) as unknown as Core;
  const idb = await import('../src/core/storage/idb-store.js');
  if (idb.DB_VERSION !== 2) throw new Error(`This checkout has DB_VERSION ${idb.DB_VERSION}: v2 fixtures come from a schema-v2 checkout`);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo }).toString().trim();

  for (const encrypted of [false, true]) {
    resetStreams(202); // the same seed for both: the plain and the encrypted fixture hold the same records
    const factory = new IDBFactory();
    const store = await idb.openIdbStore({ name: 'asi-interview', factory });
    await populate(core, store as unknown as Store, async () => {
      if (!encrypted) return;
      // Turning encryption on makes ids of its own (key and slot): keep them off the data's id stream, so the
      // records written after it get the same ids as in the plain fixture.
      const ids = streams.uuid;
      streams.uuid = mulberry32(303);
      await store.enableEncryption(TEST_PASSPHRASE);
      streams.uuid = ids;
    });
    store.close();
    const raw = await dumpDatabase(factory, 'asi-interview');
    if (encrypted) {
      writeFixture('v2-encrypted', raw, {
        about: 'Schema v2, encrypted at rest: the records of v2-plain with encryption turned on after the demo intake (TEST FIXTURE: its passphrase is published in testPassphrase).',
        madeBy: `scripts/make-db-fixtures.ts running this checkout's src/ (commit ${commit}, DB_VERSION 2) on fake-indexeddb`,
        testPassphrase: TEST_PASSPHRASE,
      }, force);
    } else {
      writeFixture('v2-plain', raw, {
        about: 'Schema v2, plaintext: every object store of a database written by the schema-v2 code (see README.md).',
        madeBy: `scripts/make-db-fixtures.ts running this checkout's src/ (commit ${commit}, DB_VERSION 2) on fake-indexeddb`,
      }, force);
    }
  }
}

const args = process.argv.slice(2);
const force = args.includes('--force');
const which = args.filter((a) => a !== '--force');
mkdirSync(out, { recursive: true });
if (which.length === 0 || which.includes('v1')) await makeV1(force);
if (which.length === 0 || which.includes('v2')) await makeV2(force);
// Keeps the README's statement checkable: every fixture file the loader tests is listed there.
const readme = existsSync(join(out, 'README.md')) ? readFileSync(join(out, 'README.md'), 'utf8') : '';
for (const name of ['v1', 'v2-plain', 'v2-encrypted']) if (!readme.includes(`${name}.json`)) console.warn(`README.md does not describe ${name}.json`);
