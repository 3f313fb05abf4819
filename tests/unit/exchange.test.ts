// Import and export: JSON bundle round trips (backup), hostile and malformed imports, CSV and codebook, FHIR R4.
// idb's wrappers test `instanceof IDBRequest` etc. against globals, so fake-indexeddb's globals must be installed too.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { builtinDefinition, loadInstrument } from '../../src/core/definition/index.js';
import type { AnswerValue, CompiledInstrument, CompiledItem } from '../../src/core/definition/index.js';
import {
  BundleError,
  checkBundle,
  codebook,
  csvCell,
  exportBundle,
  exportCodebook,
  exportCsv,
  importBundle,
  INTERVIEW_COLUMNS,
  mergeBundles,
  parseBundle,
  toQuestionnaire,
  toQuestionnaireResponseBundle,
  validateFhirResource,
} from '../../src/core/exchange/index.js';
import type { Bundle, BundleProblem, QuestionnaireItem, QuestionnaireResponse, QuestionnaireResponseItem } from '../../src/core/exchange/index.js';
import { answerMapFromRecords, openInterview, planInterview, startInterview } from '../../src/core/flow/index.js';
import { computeScores } from '../../src/core/scoring/composite.js';
import { openIdbStore, type IdbInterviewStore } from '../../src/core/storage/idb-store.js';
import { isSealedBundle, openSealedBundle, sealBundle } from '../../src/core/exchange/sealed-bundle.js';
import type { ProtectionError } from '../../src/core/protection/errors.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { ClientRecord, InterviewRecord, InterviewStore, Sex } from '../../src/core/storage/types.js';

let demo: CompiledInstrument;
beforeAll(async () => {
  demo = loadInstrument(await builtinDefinition('demo'));
});

// ---------------------------------------------------------------------------------------------------------------
// Building data through the real flow

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = ['Astma', 'Diabetes, typ 2', 'Ryggont "ibland"', 'Migrän\noch yrsel', '=1+1', 'Hjärtfel – åäö'];

/** A valid answer for any demo item, sometimes a special code the item allows. */
function randomValue(item: CompiledItem, rng: () => number): AnswerValue {
  const int = (min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
  if (item.special.length && rng() < 0.12) return item.special[int(0, item.special.length - 1)]!;
  if (item.options) return item.options[int(0, item.options.length - 1)]!.value;
  switch (item.def.kind) {
    case 'days':
      return int(0, 30);
    case 'count':
      return int(0, 12);
    case 'money':
      return rng() < 0.3 ? 0 : int(1, 25_000);
    case 'duration':
      return int(0, 240);
    case 'date':
      return `20${int(20, 26)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`;
    case 'time':
      return `${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}`;
    default:
      return TEXTS[int(0, TEXTS.length - 1)]!;
  }
}

type Ending = 'complete' | 'incomplete' | 'pause' | 'terminate' | 'correct';

interface Script {
  round: string;
  /** Values for some items; the others are drawn at random. */
  values?: Record<string, AnswerValue>;
  ending: Ending;
  /** For incomplete, paused and terminated interviews: how many items to answer. */
  stopAfter?: number;
  /** For `correct`: the item changed after completion, and its new value. */
  correction?: { itemId: string; value: AnswerValue };
}

async function runInterview(store: InterviewStore, client: ClientRecord, script: Script, rng: () => number): Promise<InterviewRecord> {
  const record = await startInterview({ store, instrument: demo, client, round: script.round, interviewer: 'IV1' });
  const session = await openInterview({ store, instrument: demo, interview: record });
  const { actor } = session;
  const settle = (id: string | null) =>
    waitFor(actor, (s) => s.matches({ active: 'answering' }) && s.context.position !== id, { timeout: 2000 });
  let answered = 0;
  while (actor.getSnapshot().context.position) {
    if (script.stopAfter !== undefined && answered >= script.stopAfter) break;
    const id = actor.getSnapshot().context.position!;
    actor.send({ type: 'answer.set', value: script.values?.[id] ?? randomValue(demo.item(id)!, rng) });
    await settle(id);
    expect(actor.getSnapshot().context.rejection).toBeNull();
    answered++;
  }
  if (script.ending === 'pause') {
    actor.send({ type: 'interview.pause' });
    await waitFor(actor, (s) => s.matches('paused'), { timeout: 2000 });
  } else if (script.ending === 'terminate') {
    actor.send({ type: 'interview.terminate', reason: 'Client left the interview' });
    await waitFor(actor, (s) => s.matches('terminated'), { timeout: 2000 });
  } else if (script.ending !== 'incomplete') {
    actor.send({ type: 'interview.complete' });
    await waitFor(actor, (s) => s.matches('completed'), { timeout: 2000 });
  }
  if (script.ending === 'correct') {
    const { itemId, value } = script.correction ?? { itemId: 'H_DAYS', value: 17 };
    actor.send({ type: 'interview.reopen', reason: 'Client corrected an answer' });
    await waitFor(actor, (s) => s.matches({ active: 'answering' }), { timeout: 2000 });
    actor.send({ type: 'nav.goto', itemId });
    actor.send({ type: 'answer.set', value });
    await settle(itemId);
    actor.send({ type: 'interview.complete' });
    await waitFor(actor, (s) => s.matches('completed'), { timeout: 2000 });
  }
  await session.settled();
  session.stop();
  return (await store.getInterview(record.id))!;
}

const client = (id: string, code: string, sex: Sex = 'female', birthYear?: number): ClientRecord => ({
  id,
  code,
  sex,
  ...(birthYear === undefined ? {} : { birthYear }),
  createdAt: '2026-01-05T09:00:00.000+01:00',
  updatedAt: '2026-01-05T09:00:00.000+01:00',
});

/** A few clients and interviews with known answers: X/N, an incomplete one, a terminated one, one corrected after completion. */
interface Known {
  store: InterviewStore;
  intake: InterviewRecord;
  followUp: InterviewRecord;
  corrected: InterviewRecord;
  terminated: InterviewRecord;
}

const INTAKE_VALUES: Record<string, AnswerValue> = {
  G_DATE: '2026-11-22',
  G_START: 'X',
  G_HOUSING: 1,
  G_HOUSING_TIME: 30,
  H_HOSP: 2,
  H_CHRONIC: 0,
  H_DAYS: 3,
  H_TROUBLED: 1,
  H_IMPORTANT: 2,
  H_SEVERITY: 3,
  W_LICENCE: 0,
  W_DAYS: 10,
  W_INCOME: 5000,
  W_SUPPORT: 0,
  A_DAYS: 0,
  A_YEARS: 'X',
  A_TROUBLED: 0,
  A_SEVERITY: 1,
};

async function knownStore(): Promise<Known> {
  const store = createMemoryStore();
  const rng = random(7);
  const anna = client('c-anna', 'K-001', 'female', 1980);
  const bo = client('c-bo', '=cmd|calc', 'male', 1975);
  const cleo = client('c-cleo', '-12', 'other');
  for (const c of [anna, bo, cleo]) await store.putClient(c);
  const intake = await runInterview(store, anna, { round: 'intake', values: INTAKE_VALUES, ending: 'complete' }, rng);
  const followUp = await runInterview(store, anna, { round: 'follow-up', values: INTAKE_VALUES, ending: 'pause', stopAfter: 4 }, rng);
  const corrected = await runInterview(
    store,
    bo,
    {
      round: 'intake',
      values: { ...INTAKE_VALUES, H_CHRONIC: 1, H_CHRONIC_SPEC: 'Astma, "svår"\nkronisk', W_INCOME: 12345 },
      ending: 'correct',
      // The illness text stays stored but is skipped from now on.
      correction: { itemId: 'H_CHRONIC', value: 0 },
    },
    rng,
  );
  const terminated = await runInterview(store, cleo, { round: 'intake', values: INTAKE_VALUES, ending: 'terminate', stopAfter: 3 }, rng);
  return { store, intake, followUp, corrected, terminated };
}

/** 50 random interviews of 20 clients, with every kind of ending. */
async function randomStore(seed: number, count = 50): Promise<InterviewStore> {
  const store = createMemoryStore();
  const rng = random(seed);
  const clients: ClientRecord[] = [];
  for (let c = 0; c < 20; c++) {
    const sexes: Sex[] = ['female', 'male', 'other', 'unknown'];
    const record = client(`client-${seed}-${c}`, `U${seed}-${String(c).padStart(3, '0')}`, sexes[c % 4]!, 1950 + c);
    clients.push(record);
    await store.putClient(record);
  }
  const endings: Ending[] = ['complete', 'complete', 'complete', 'correct', 'incomplete', 'pause', 'terminate'];
  for (let n = 0; n < count; n++) {
    const ending = endings[Math.floor(rng() * endings.length)]!;
    await runInterview(
      store,
      clients[n % clients.length]!,
      {
        round: n < 20 ? 'intake' : rng() < 0.5 ? 'follow-up' : 'intake',
        ending,
        ...(ending === 'incomplete' || ending === 'pause' || ending === 'terminate' ? { stopAfter: Math.floor(rng() * 12) } : {}),
      },
      rng,
    );
  }
  return store;
}

const withoutTime = ({ exportedAt: _at, ...rest }: Bundle) => rest;
const contents = async (store: InterviewStore) => withoutTime(await exportBundle(store));

const idbStores: InterviewStore[] = [];
async function freshIdbStore(): Promise<InterviewStore> {
  const store = await openIdbStore({ factory: new IDBFactory(), name: 'exchange' });
  idbStores.push(store);
  return store;
}
afterAll(() => idbStores.forEach((s) => s.close()));

// ---------------------------------------------------------------------------------------------------------------

describe('JSON bundle', () => {
  it(
    'backup round trip: 50 random interviews through JSON into a memory and an IndexedDB store (reliability 9)',
    async () => {
      const source = await randomStore(11);
      const exported = await exportBundle(source);
      expect(exported.format).toBe('asi-interview-bundle');
      expect(exported.formatVersion).toBe(1);
      expect(exported.interviews).toHaveLength(50);
      expect(exported.instruments).toEqual([{ id: 'demo', version: '1.0.0' }]);
      expect(exported.audit.some((e) => 'seq' in e)).toBe(false);
      const text = JSON.stringify(exported);

      for (const target of [createMemoryStore(), await freshIdbStore()]) {
        const parsed = await parseBundle(text);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
        const summary = await importBundle(target, parsed.bundle);
        expect(summary).toEqual({
          clients: 20,
          interviews: 50,
          answers: exported.answers.length,
          audit: exported.audit.length,
          scores: exported.scores.length,
        });
        // Answers, audit logs (in order, with their hashes), instrument versions and scores all come back.
        expect(await contents(target)).toEqual(withoutTime(exported));
        for (const interview of exported.interviews) {
          expect(await target.verifyAuditLog(interview.id)).toEqual({ ok: true });
          const stored = await target.getScores(interview.id);
          if (!stored.length) continue;
          // Scores recomputed from the imported answers equal the ones that travelled with them.
          const answers = answerMapFromRecords(await target.getAnswers(interview.id));
          const recomputed = computeScores(demo, interview.round, planInterview(demo, interview.round, answers).lookup);
          expect(recomputed.map((s) => [s.scoreId, s.value, s.provenance])).toEqual(stored.map((s) => [s.scoreId, s.value, s.provenance]));
        }
        // The store goes on as usual after an import: resuming keeps the chain whole.
        const open = exported.interviews.find((i) => i.status === 'in-progress' || i.status === 'paused')!;
        await target.saveAnswers(open.id, [{ itemId: 'G_DATE', value: '2026-12-01', source: 'entered' }], { actor: 'IV2' });
        expect(await target.verifyAuditLog(open.id)).toEqual({ ok: true });
      }
    },
    60_000,
  );

  it(
    'encrypted backup round trip: 50 random interviews sealed with a passphrase, into an encrypted store, and back (reliability 9)',
    async () => {
      const source = await randomStore(12);
      const exported = await exportBundle(source);
      const file = await sealBundle(exported, 'säkerhetskopia för enheten');
      expect(isSealedBundle(file)).toBe(true);
      expect(isSealedBundle(JSON.stringify(exported))).toBe(false);
      // No client code, answer or item id travels in clear: only the format, the date and the passphrase slot.
      for (const client of exported.clients) expect(file).not.toContain(client.code);
      expect(file).not.toContain(exported.interviews[0]!.id);
      expect(Object.keys(JSON.parse(file))).toEqual(['format', 'formatVersion', 'exportedAt', 'protection', 'sealed']);

      const wrong = await openSealedBundle(file, 'fel lösenfras, tyvärr').catch((e: unknown) => e);
      expect((wrong as ProtectionError).code).toBe('wrong-passphrase');
      // A changed character in the sealed bundle itself (the last "data"; the first is the passphrase slot's).
      const at = file.lastIndexOf('"data":"') + 20;
      const damaged = file.slice(0, at) + (file[at] === 'A' ? 'B' : 'A') + file.slice(at + 1);
      expect(((await openSealedBundle(damaged, 'säkerhetskopia för enheten').catch((e: unknown) => e)) as ProtectionError).code).toBe('integrity');

      const parsed = await parseBundle(await openSealedBundle(file, 'säkerhetskopia för enheten'));
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      const target = (await freshIdbStore()) as IdbInterviewStore;
      await target.enableEncryption('enhetens egen lösenfras');
      await importBundle(target, parsed.bundle);
      expect(await contents(target)).toEqual(withoutTime(exported));
      for (const interview of exported.interviews) {
        expect((await target.verifyInterview(interview.id)).ok).toBe(true);
        const stored = await target.getScores(interview.id);
        if (!stored.length) continue;
        const answers = answerMapFromRecords(await target.getAnswers(interview.id));
        const recomputed = computeScores(demo, interview.round, planInterview(demo, interview.round, answers).lookup);
        expect(recomputed.map((s) => [s.scoreId, s.value, s.provenance])).toEqual(stored.map((s) => [s.scoreId, s.value, s.provenance]));
      }
      // And out of the encrypted store again, sealed once more, into a plain memory store: nothing changed on the way.
      const again = await parseBundle(await openSealedBundle(await sealBundle(await exportBundle(target), 'en annan fras 123'), 'en annan fras 123'));
      if (!again.ok) throw new Error(JSON.stringify(again.problems));
      const memory = createMemoryStore();
      await importBundle(memory, again.bundle);
      expect(await contents(memory)).toEqual(withoutTime(exported));
    },
    120_000,
  );

  it('keeps every status, X/N, auto-fills and a correction after completion', async () => {
    const { store, intake, followUp, corrected, terminated } = await knownStore();
    const bundle = await exportBundle(store);
    expect(bundle.interviews.map((i) => [i.id, i.status])).toEqual(
      expect.arrayContaining([
        [intake.id, 'completed'],
        [followUp.id, 'paused'],
        [corrected.id, 'completed'],
        [terminated.id, 'terminated'],
      ]),
    );
    const answer = (interviewId: string, itemId: string) => bundle.answers.find((a) => a.interviewId === interviewId && a.itemId === itemId);
    expect(answer(intake.id, 'G_START')).toMatchObject({ value: 'X', source: 'entered' });
    expect(answer(intake.id, 'W_MAJORITY')).toMatchObject({ value: 'N', source: 'autofill' });
    expect(answer(intake.id, 'W_CAR')).toMatchObject({ value: 0, source: 'autofill' });
    const correction = bundle.audit.find((e) => e.interviewId === corrected.id && e.itemId === 'H_CHRONIC' && e.new === 0);
    expect(correction).toMatchObject({ old: 1, reason: 'Client corrected an answer' });
    const scores = bundle.scores.filter((s) => s.interviewId === intake.id);
    expect(scores.map((s) => s.scoreId)).toEqual(['HEALTH', 'WORK']);
    expect(scores[0]!.provenance).toMatchObject({ algorithm: { id: 'demo-health', version: '1' }, instrument: { id: 'demo', version: '1.0.0' } });

    const target = createMemoryStore();
    const parsed = await parseBundle(JSON.stringify(bundle));
    expect(parsed.ok).toBe(true);
    await importBundle(target, (parsed as { bundle: Bundle }).bundle);
    expect(await contents(target)).toEqual(withoutTime(bundle));
  });

  it('exports a filtered part: some clients, some interviews', async () => {
    const { store, intake, followUp, corrected } = await knownStore();
    const anna = await exportBundle(store, { clientIds: ['c-anna'] });
    expect(anna.clients.map((c) => c.id)).toEqual(['c-anna']);
    expect(anna.interviews.map((i) => i.id).sort()).toEqual([intake.id, followUp.id].sort());
    expect(new Set(anna.answers.map((a) => a.interviewId))).toEqual(new Set([intake.id, followUp.id]));
    expect(new Set(anna.audit.map((a) => a.interviewId))).toEqual(new Set([intake.id, followUp.id]));

    const one = await exportBundle(store, { interviewIds: [corrected.id] });
    expect(one.clients.map((c) => c.id)).toEqual(['c-bo']);
    expect(one.interviews.map((i) => i.id)).toEqual([corrected.id]);
    expect((await parseBundle(JSON.stringify(one))).ok).toBe(true);

    await expect(exportBundle(store, { clientIds: ['nobody'] })).rejects.toThrow(/nobody/);
  });

  it('reads interview by interview from a store without exportRecords, with the same result', async () => {
    const { store } = await knownStore();
    const plain: InterviewStore = { ...store, exportRecords: undefined };
    expect(withoutTime(await exportBundle(plain))).toEqual(await contents(store));
    // Import compares with the store the same way.
    const target = createMemoryStore();
    await importBundle({ ...target, exportRecords: undefined }, await exportBundle(store));
    expect(await contents(target)).toEqual(await contents(store));
  });

  it('importing the same bundle twice changes nothing', async () => {
    const { store } = await knownStore();
    const bundle = await exportBundle(store);
    const target = createMemoryStore();
    await importBundle(target, bundle);
    expect(await importBundle(target, bundle)).toEqual({ clients: 0, interviews: 0, answers: 0, audit: 0, scores: 0 });
    expect(await contents(target)).toEqual(withoutTime(bundle));
  });

  it('takes a newer version of an interview only in replace mode, and never shortens an audit log', async () => {
    const { store, intake } = await knownStore();
    const older = await exportBundle(store);
    const target = createMemoryStore();
    await importBundle(target, older);

    // The unit corrects the interview after the backup.
    const session = await openInterview({ store, instrument: demo, interview: (await store.getInterview(intake.id))! });
    session.actor.send({ type: 'interview.reopen', reason: 'Wrong number of days' });
    await waitFor(session.actor, (s) => s.matches({ active: 'answering' }));
    session.actor.send({ type: 'nav.goto', itemId: 'H_DAYS' });
    session.actor.send({ type: 'answer.set', value: 20 });
    await waitFor(session.actor, (s) => s.matches({ active: 'answering' }) && s.context.position !== 'H_DAYS');
    await session.settled();
    session.stop();
    const newer = await exportBundle(store);

    const before = await contents(target);
    const conflict = await importBundle(target, newer).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(BundleError);
    expect((conflict as BundleError).message).toContain(intake.id);
    expect((conflict as BundleError).message).toMatch(/already exists in this store with different content/);
    expect(await contents(target)).toEqual(before);

    const summary = await importBundle(target, newer, { mode: 'replace' });
    expect(summary.interviews).toBe(1);
    expect(summary.audit).toBeGreaterThan(0);
    expect(await contents(target)).toEqual(withoutTime(newer));
    expect(await target.verifyAuditLog(intake.id)).toEqual({ ok: true });

    // Going back to the older backup would drop audit events: refused, nothing written.
    const after = await contents(target);
    const refused = await importBundle(target, older, { mode: 'replace' }).catch((e: unknown) => e);
    expect((refused as BundleError).problems).toContainEqual(
      expect.objectContaining({ path: expect.stringMatching(/^interviews\[\d+\]$/), message: expect.stringMatching(/audit trail/) }),
    );
    expect(await contents(target)).toEqual(after);
  });

  it('merges several units’ bundles; identical copies once, conflicting ones refused by id', async () => {
    const unitA = await randomStore(21, 6);
    const unitB = await randomStore(22, 6);
    const a = await exportBundle(unitA);
    const b = await exportBundle(unitB);
    const merged = mergeBundles([a, b, a]);
    expect(merged.clients).toHaveLength(40);
    expect(merged.interviews).toHaveLength(12);
    expect(merged.answers).toHaveLength(a.answers.length + b.answers.length);
    expect(merged.audit).toHaveLength(a.audit.length + b.audit.length);
    expect(merged.exportedAt).toBe([a.exportedAt, b.exportedAt].sort().at(-1));
    const parsed = await parseBundle(JSON.stringify(merged));
    expect(parsed.ok).toBe(true);
    const target = createMemoryStore();
    await importBundle(target, merged);
    const back = await exportBundle(target);
    expect(back.interviews.map((i) => i.id).sort()).toEqual([...a.interviews, ...b.interviews].map((i) => i.id).sort());
    for (const i of back.interviews) expect(await target.verifyAuditLog(i.id)).toEqual({ ok: true });

    const changed: Bundle = { ...a, clients: a.clients.map((c, i) => (i === 0 ? { ...c, code: 'OTHER' } : c)) };
    expect(() => mergeBundles([a, changed])).toThrow(BundleError);
    expect(() => mergeBundles([a, changed])).toThrow(new RegExp(`Client "${a.clients[0]!.id}" differs between bundle 1 and bundle 2`));
    const answered: Bundle = { ...a, answers: a.answers.map((x, i) => (i === 0 ? { ...x, updatedAt: '2030-01-01T00:00:00.000+01:00' } : x)) };
    expect(() => mergeBundles([a, answered])).toThrow(`Interview "${a.answers[0]!.interviewId}" differs`);
  }, 30_000);

  it('checks answers only against instruments it knows, through resolveInstrument', async () => {
    const { store } = await knownStore();
    const bundle = await exportBundle(store);
    const future = {
      ...bundle,
      instruments: [{ id: 'demo', version: '9.0.0' }],
      interviews: bundle.interviews.map((i) => ({ ...i, instrumentVersion: '9.0.0' })),
      answers: bundle.answers.map((a, i) => (i === 0 ? { ...a, itemId: 'NEW_IN_V9' } : a)),
    };
    // Not a built-in version: its answers cannot be checked here, and that is no reason to refuse a backup.
    expect((await checkBundle(future)).ok).toBe(true);
    const resolveInstrument = vi.fn((id: string, version: string) => (id === 'demo' && version === '9.0.0' ? demo : undefined));
    const checked = await checkBundle(future, { resolveInstrument });
    expect(resolveInstrument).toHaveBeenCalledWith('demo', '9.0.0');
    expect(checked.ok).toBe(false);
    expect((checked as { problems: BundleProblem[] }).problems[0]).toEqual({ path: 'answers[0].itemId', message: 'Instrument demo@9.0.0 has no item "NEW_IN_V9"' });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('malformed and hostile imports are rejected with a clear message and write nothing', () => {
  let target: InterviewStore;
  let good: Bundle;
  let known: Known;

  beforeAll(async () => {
    known = await knownStore();
    good = await exportBundle(known.store);
    // The target already holds another unit's data, which must survive every refused import untouched.
    target = await freshIdbStore();
    await importBundle(target, await exportBundle(await randomStore(5, 4)));
  }, 30_000);

  const mutate = (change: (b: Bundle) => void): string => {
    const copy = structuredClone(good);
    change(copy);
    return JSON.stringify(copy);
  };
  const indexOf = <T>(list: T[], find: (x: T) => boolean) => {
    const i = list.findIndex(find);
    expect(i).toBeGreaterThanOrEqual(0);
    return i;
  };

  /** Refused by parseBundle with the expected problem, refused by importBundle too, and the target unchanged. */
  async function expectRefused(text: string, expected: { path?: string; message: RegExp | string }, options: { maxBytes?: number } = {}) {
    const before = await contents(target);
    const parsed = await parseBundle(text, options);
    expect(parsed.ok).toBe(false);
    const problems = (parsed as { problems: BundleProblem[] }).problems;
    expect(problems).toContainEqual({
      path: expected.path ?? expect.any(String),
      message: typeof expected.message === 'string' ? expected.message : expect.stringMatching(expected.message),
    });
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
    // The size limit is for text; a document already in memory has nothing left to limit.
    if (doc !== undefined && options.maxBytes === undefined) await expect(importBundle(target, doc as Bundle)).rejects.toBeInstanceOf(BundleError);
    expect(await contents(target)).toEqual(before);
    return problems;
  }

  it('accepts the untouched bundle (so that each refusal below is caused by its one change)', async () => {
    expect((await parseBundle(JSON.stringify(good))).ok).toBe(true);
  });

  it('refuses text that is not JSON', async () => {
    await expectRefused('{"format": "asi-interview-bundle", ', { path: '', message: /not valid JSON/ });
    await expectRefused('', { path: '', message: /not valid JSON/ });
  });

  it('refuses a file over the size limit before parsing it', async () => {
    const text = JSON.stringify(good);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const result = await parseBundle(text, { maxBytes: 1000 });
      expect(result).toEqual({ ok: false, problems: [{ path: '', message: 'The file is too large: the limit is 1000 bytes' }] });
      expect(parse).not.toHaveBeenCalled();
      // Counted in UTF-8 bytes, not characters: 400 characters of "ä" are 800 bytes.
      const wide = `"${'ä'.repeat(400)}"`;
      expect((await parseBundle(wide, { maxBytes: 600 })).ok).toBe(false);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
    expect((await parseBundle(text, { maxBytes: text.length + 10 })).ok).toBe(true);
    await expectRefused(text, { path: '', message: /too large/ }, { maxBytes: 2048 });
  });

  it('refuses a document nested too deeply', async () => {
    const deep = mutate((b) => {
      let node: unknown[] = [];
      b.interviews[0]!.snapshot = { nested: node };
      for (let i = 0; i < 40; i++) node.push((node = []));
    });
    await expectRefused(deep, { message: /nested too deeply/ });
    const problems = (await parseBundle(deep)) as { problems: BundleProblem[] };
    expect(problems.problems[0]!.path).toMatch(/^interviews\[0\]\.snapshot\.nested(\[0\])+$/);
  });

  it('refuses __proto__, constructor and prototype keys at every level and leaves Object.prototype alone', async () => {
    const text = JSON.stringify(good);
    const cases: [string, string][] = [
      [text.replace(/^\{/, '{"__proto__":{"polluted":1},'), '__proto__'],
      [text.replace('"clients":[{', '"clients":[{"__proto__":{"polluted":1},'), 'clients[0].__proto__'],
      [text.replace('"clients":[{', '"clients":[{"constructor":{"prototype":{"polluted":1}},'), 'clients[0].constructor'],
      [text.replace('"answers":[{', '"answers":[{"prototype":{"polluted":1},'), 'answers[0].prototype'],
      [text.replace('"inputs":{', '"inputs":{"__proto__":{"polluted":1},'), 'scores[0].provenance.inputs.__proto__'],
      [mutate((b) => (b.interviews[0]!.snapshot = JSON.parse('{"a":{"b":{"__proto__":{"polluted":1}}}}'))), 'interviews[0].snapshot.a.b.__proto__'],
    ];
    const keysBefore = Object.getOwnPropertyNames(Object.prototype);
    for (const [hostile, path] of cases) {
      await expectRefused(hostile, { path, message: /^Key "(__proto__|constructor|prototype)" is not allowed$/ });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(keysBefore);
  });

  it('refuses what is not a bundle, and a bundle from a newer format', async () => {
    await expectRefused('{}', { path: 'format', message: /not an asi-interview bundle/ });
    await expectRefused('[1,2]', { path: 'format', message: /not an asi-interview bundle/ });
    await expectRefused(mutate((b) => ((b as { formatVersion: number }).formatVersion = 2)), { path: 'formatVersion', message: /Update the app/ });
  });

  it('refuses wrong shapes, naming the exact path', async () => {
    const answerIndex = indexOf(good.answers, (a) => a.itemId === 'H_DAYS');
    await expectRefused(
      mutate((b) => ((b.answers[answerIndex] as { value: unknown }).value = true)),
      { path: `answers[${answerIndex}].value`, message: 'Expected a number or text' },
    );
    await expectRefused(mutate((b) => ((b.clients[1] as { sex: string }).sex = 'alien')), { path: 'clients[1].sex', message: /Invalid option/i });
    await expectRefused(mutate((b) => delete (b.interviews[2] as Partial<InterviewRecord>).round), { path: 'interviews[2].round', message: /expected string/ });
    await expectRefused(mutate((b) => ((b.interviews[0] as unknown as Record<string, unknown>).name = 'Anna')), {
      path: 'interviews[0]',
      message: 'Unrecognized key: "name"',
    });
    await expectRefused(mutate((b) => ((b.audit[1] as { hash: string }).hash = 'abc')), { path: 'audit[1].hash', message: /SHA-256/ });
    await expectRefused(mutate((b) => ((b as { clients: unknown }).clients = {})), { path: 'clients', message: /expected array/ });
  });

  it('refuses duplicate ids and dangling references', async () => {
    await expectRefused(mutate((b) => b.clients.push({ ...b.clients[0]!, code: 'again' })), {
      path: `clients[${good.clients.length}].id`,
      message: `Client "${good.clients[0]!.id}" appears twice (also at clients[0])`,
    });
    await expectRefused(mutate((b) => b.answers.push({ ...b.answers[0]! })), { path: `answers[${good.answers.length}].itemId`, message: /appears twice/ });
    await expectRefused(mutate((b) => (b.interviews[1]!.clientId = 'ghost')), {
      path: 'interviews[1].clientId',
      message: /client "ghost", which is not in the bundle/,
    });
    await expectRefused(mutate((b) => (b.answers[4]!.interviewId = 'ghost')), { path: 'answers[4].interviewId', message: 'Interview "ghost" is not in the bundle' });
    await expectRefused(mutate((b) => (b.scores[0]!.interviewId = 'ghost')), { path: 'scores[0].interviewId', message: 'Interview "ghost" is not in the bundle' });
    await expectRefused(mutate((b) => (b.instruments = [])), { path: 'interviews[0].instrumentVersion', message: /demo@1\.0\.0 .* not listed in "instruments"/ });
  });

  it('refuses a broken audit chain, naming the interview', async () => {
    const id = known.corrected.id;
    const at = indexOf(good.audit, (e) => e.interviewId === id && e.itemId === 'H_DAYS');
    const ordinal = good.audit.slice(0, at + 1).filter((e) => e.interviewId === id).length;
    const message = `The audit log of interview "${id}" is broken at its event ${ordinal}: an event was changed, removed or reordered`;
    // Edited after the fact.
    await expectRefused(mutate((b) => (b.audit[at]!.new = 29)), { path: `audit[${at}]`, message });
    // An event removed: the next one no longer links up.
    const next = indexOf(good.audit, (e, ) => e.interviewId === id && good.audit.indexOf(e) > at);
    await expectRefused(mutate((b) => b.audit.splice(at, 1)), { path: `audit[${next - 1}]`, message });
  });

  it('refuses answers the instrument does not allow: unknown items, out-of-range values, codes not allowed', async () => {
    const days = indexOf(good.answers, (a) => a.itemId === 'H_DAYS');
    await expectRefused(mutate((b) => (b.answers[days]!.itemId = 'NO_SUCH_ITEM')), {
      path: `answers[${days}].itemId`,
      message: 'Instrument demo@1.0.0 has no item "NO_SUCH_ITEM"',
    });
    await expectRefused(mutate((b) => (b.answers[days]!.value = 31)), {
      path: `answers[${days}].value`,
      message: '31 is not a valid answer to "H_DAYS": Enter a number from 0 to 30',
    });
    const date = indexOf(good.answers, (a) => a.itemId === 'G_DATE');
    await expectRefused(mutate((b) => (b.answers[date]!.value = 'X')), { path: `answers[${date}].value`, message: /Code X is not allowed here/ });
    await expectRefused(mutate((b) => (b.interviews[0]!.round = 'discharge')), { path: 'interviews[0].round', message: 'Instrument demo@1.0.0 has no round "discharge"' });
    await expectRefused(mutate((b) => (b.scores[0]!.scoreId = 'NOPE')), { path: 'scores[0].scoreId', message: 'Instrument demo@1.0.0 has no score "NOPE"' });
  });

  it('refuses ids that already exist in the store with different content (add mode)', async () => {
    const stored = (await exportBundle(target)).clients.find((c) => !good.clients.some((g) => g.id === c.id))!;
    const clash = mutate((b) => b.clients.push({ ...stored, code: 'someone else' }));
    const parsed = await parseBundle(clash);
    expect(parsed.ok).toBe(true);
    const before = await contents(target);
    const error = await importBundle(target, (parsed as { bundle: Bundle }).bundle).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).problems).toEqual([
      { path: `clients[${good.clients.length}]`, message: `Client "${stored.id}" already exists in this store with different details` },
    ]);
    expect(await contents(target)).toEqual(before);
  });

  it('reports at most 50 problems, then how many more there were', async () => {
    const many = mutate((b) => b.answers.forEach((a) => (a.interviewId = 'ghost')));
    const problems = await expectRefused(many, { message: 'Interview "ghost" is not in the bundle' });
    expect(problems).toHaveLength(51);
    expect(problems[50]!.message).toMatch(/^…and \d+ more problems$/);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** RFC 4180 reader for the tests: fails on a bare line break outside quotes. */
function readCsv(text: string): string[][] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') {
      expect(cell).toBe('');
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      throw new Error(`Bare line break at ${i}`);
    } else cell += c;
  }
  expect(cell).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('CSV', () => {
  let known: Known;
  let bundle: Bundle;
  beforeAll(async () => {
    known = await knownStore();
    bundle = await exportBundle(known.store);
  }, 30_000);

  const table = (csv: string) => {
    const [header, ...rows] = readCsv(csv);
    return { header: header!, rows, row: (id: string) => Object.fromEntries(header!.map((h, i) => [h, rows.find((r) => r[0] === id)![i]!])) };
  };

  it('writes a header of interview columns, every item in definition order, then every score', () => {
    const { header } = table(exportCsv(bundle, demo));
    expect(header).toEqual([...INTERVIEW_COLUMNS, ...demo.items.map((i) => i.id), 'HEALTH', 'WORK']);
    expect(header.slice(0, 9)).toEqual(['interview_id', 'client_code', 'sex', 'birth_year', 'round', 'status', 'started_at', 'completed_at', 'instrument_version']);
  });

  it('writes one row per interview of the instrument, with the stored values, X and N, and the scores at full precision', () => {
    const csv = exportCsv(bundle, demo);
    expect(csv.startsWith('\uFEFFinterview_id,')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const { rows, row } = table(csv);
    expect(rows).toHaveLength(4);
    const intake = row(known.intake.id);
    expect(intake).toMatchObject({ client_code: 'K-001', sex: 'female', birth_year: '1980', round: 'intake', status: 'completed', instrument_version: '1.0.0' });
    expect(intake.completed_at).toBe(known.intake.completedAt);
    expect(intake).toMatchObject({ G_DATE: '2026-11-22', G_START: 'X', H_DAYS: '3', W_INCOME: '5000', W_CAR: '0', W_MAJORITY: 'N', A_YEARS: 'X', A_SPENT: '' });
    const health = bundle.scores.find((s) => s.interviewId === known.intake.id && s.scoreId === 'HEALTH')!.value!;
    expect(intake.HEALTH).toBe(String(health));
    expect(Number(intake.HEALTH)).toBe(3 / 90 + 1 / 12 + 2 / 12);
    // WORK needs W_CAR etc.: all answered, so it has a value.
    expect(intake.WORK).not.toBe('');

    const paused = row(known.followUp.id);
    expect(paused).toMatchObject({ status: 'paused', completed_at: '', HEALTH: '', WORK: '' });
    expect(paused.G_START).toBe(''); // not asked in follow-ups
    expect(demo.items.filter((i) => paused[i.id] !== '')).toHaveLength(4);
    expect(row(known.terminated.id)).toMatchObject({ status: 'terminated', sex: 'other', birth_year: '' });
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and guards against formula injection', () => {
    // 'stored' so that the left-over free text (with its quotes and line break) is in the file.
    const csv = exportCsv(bundle, demo, { values: 'stored' });
    const bo = table(csv).row(known.corrected.id);
    // Read back exactly: the guard only adds an apostrophe in front of what a spreadsheet would run.
    expect(bo.client_code).toBe("'=cmd|calc");
    expect(bo.H_CHRONIC_SPEC).toBe('Astma, "svår"\nkronisk');
    expect(csv).toContain('"Astma, ""svår""\nkronisk"');
    expect(table(csv).row(known.terminated.id).client_code).toBe("'-12");

    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvCell('+46 70')).toBe("'+46 70");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('=a,"b"')).toBe('"\'=a,""b"""');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvCell(null)).toBe('');
    expect(csvCell('plain')).toBe('plain');
  });

  it('shows only the answers that count by default (a skipped item’s left-over answer is blank), every stored one on request', () => {
    const stored = table(exportCsv(bundle, demo, { values: 'stored' })).row(known.corrected.id);
    const counted = table(exportCsv(bundle, demo)).row(known.corrected.id);
    expect(stored.H_CHRONIC).toBe('0');
    expect(stored.H_CHRONIC_SPEC).toBe('Astma, "svår"\nkronisk');
    expect(counted.H_CHRONIC_SPEC).toBe('');
    expect(counted.H_DAYS).toBe(stored.H_DAYS);
  });

  it('leaves out interviews of other instruments', () => {
    const other = { ...bundle, interviews: bundle.interviews.map((i, n) => (n === 0 ? { ...i, instrumentId: 'asi' } : i)) };
    expect(table(exportCsv(other, demo)).rows).toHaveLength(3);
  });

  it('writes a codebook with one row per CSV column, in the same order', () => {
    const rows = readCsv(exportCodebook(demo, 'en'));
    expect(rows[0]).toEqual(['name', 'label', 'kind', 'unit', 'values', 'special', 'timeframe', 'rounds', 'section', 'formula', 'source']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(table(exportCsv(bundle, demo)).header);
    const entries = codebook(demo, 'en');
    const entry = (name: string) => entries.find((e) => e.name === name)!;
    expect(entry('W_LICENCE')).toMatchObject({ kind: 'yesno', values: '1=Yes; 0=No', special: 'X=not answered (does not know / will not say); N=not applicable' });
    expect(entry('H_TROUBLED').values).toBe('0=Not at all; 1=Slightly; 2=Moderately; 3=Considerably; 4=Extremely');
    expect(entry('H_DAYS')).toMatchObject({ unit: 'days', values: '0–30', timeframe: 'past 30 days', label: 'On how many of the past 30 days have you had physical problems?' });
    expect(entry('G_DATE')).toMatchObject({ special: '', values: 'date YYYY-MM-DD' });
    expect(entry('G_START')).toMatchObject({ special: 'X=not answered (does not know / will not say)', rounds: 'intake' });
    expect(entry('H_HOSP').rounds).toBe('intake; follow-up (since the last interview)');
    expect(entry('W_INCOME')).toMatchObject({ kind: 'money', unit: 'SEK', values: '0–10000000' });
    expect(entry('G_HOUSING_TIME')).toMatchObject({ unit: 'months' });
    expect(entry('HEALTH')).toMatchObject({ kind: 'score', formula: 'H_DAYS/90 + H_TROUBLED/12 + H_IMPORTANT/12 [demo-health v1]' });
    expect(entry('HEALTH').source).toMatch(/McGahan/);
    expect(entry('round').values).toBe('intake=Intake; follow-up=Follow-up');

    const sv = codebook(demo, 'sv');
    expect(sv.find((e) => e.name === 'W_LICENCE')!.values).toBe('1=Ja; 0=Nej');
    expect(sv.find((e) => e.name === 'H_DAYS')!.timeframe).toBe('senaste 30 dagarna');
    const json = JSON.parse(exportCodebook(demo, 'sv', { format: 'json' }));
    expect(json).toMatchObject({ instrument: 'demo', version: '1.0.0', language: 'sv' });
    expect(json.columns).toEqual(sv);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const flatten = <T extends { item?: T[] }>(items: readonly T[] | undefined): T[] => (items ?? []).flatMap((i) => [i, ...flatten(i.item)]);

describe('FHIR R4', () => {
  let known: Known;
  let bundle: Bundle;
  beforeAll(async () => {
    known = await knownStore();
    bundle = await exportBundle(known.store);
  }, 30_000);

  it('writes the instrument as a valid Questionnaire: canonical url, version, a group per section, linkIds = item ids', () => {
    const q = toQuestionnaire(demo);
    expect(validateFhirResource(q)).toEqual([]);
    expect(q).toMatchObject({ resourceType: 'Questionnaire', url: 'https://asi-interview.example/fhir/Questionnaire/demo', version: '1.0.0', status: 'active', name: 'Demo' });
    expect(q.item.map((g) => [g.linkId, g.type])).toEqual(demo.sections.map((s) => [s.id, 'group']));
    expect(q.item.flatMap((g) => g.item!.map((i) => i.linkId))).toEqual(demo.items.map((i) => i.id));
    const item = (id: string) => flatten<QuestionnaireItem>(q.item).find((i) => i.linkId === id)!;
    expect(item('H_DAYS').type).toBe('integer');
    expect(item('W_INCOME').type).toBe('decimal');
    expect(item('G_DATE').type).toBe('date');
    expect(item('G_START').type).toBe('time');
    expect(item('H_CHRONIC_SPEC')).toMatchObject({ type: 'text', maxLength: 2000 });
    expect(item('W_LICENCE')).toMatchObject({ type: 'choice', text: 'Do you have a valid driving licence?' });
    expect(item('W_LICENCE').answerOption!.map((o) => o.valueCoding)).toEqual([
      { system: 'https://asi-interview.example/fhir/Questionnaire/demo/codes/yes-no', code: '1', display: 'Yes' },
      { system: 'https://asi-interview.example/fhir/Questionnaire/demo/codes/yes-no', code: '0', display: 'No' },
      { system: 'https://asi-interview.example/fhir/Questionnaire/demo/special-codes', code: 'X', display: 'not answered' },
      { system: 'https://asi-interview.example/fhir/Questionnaire/demo/special-codes', code: 'N', display: 'not applicable' },
    ]);
    expect(item('H_TROUBLED').answerOption![0]!.valueCoding.system).toBe('https://asi-interview.example/fhir/Questionnaire/demo/scales/client04');
    expect(item('G_HOUSING').answerOption![0]!.valueCoding.system).toBe('https://asi-interview.example/fhir/Questionnaire/demo/codes/G_HOUSING');
    // Interviewer ratings allow no special codes, so none are offered.
    expect(item('H_SEVERITY').answerOption!.map((o) => o.valueCoding.code)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // Non-choice items cannot take answer options in R4: their codes are declared in an extension.
    expect(item('H_DAYS').extension).toEqual([
      { url: 'https://asi-interview.example/fhir/StructureDefinition/special-code', valueCoding: expect.objectContaining({ code: 'X' }) },
      { url: 'https://asi-interview.example/fhir/StructureDefinition/special-code', valueCoding: expect.objectContaining({ code: 'N' }) },
      { url: 'http://hl7.org/fhir/StructureDefinition/minValue', valueInteger: 0 },
      { url: 'http://hl7.org/fhir/StructureDefinition/maxValue', valueInteger: 30 },
    ]);

    const sv = toQuestionnaire(demo, { baseUrl: 'https://fhir.example.se/r4/', lang: 'sv' });
    expect(validateFhirResource(sv)).toEqual([]);
    expect(sv.url).toBe('https://fhir.example.se/r4/Questionnaire/demo');
    expect(sv.title).toBe('Demo: kort livssituationsintervju');
  });

  it('writes interviews as a valid collection Bundle of QuestionnaireResponses', () => {
    const fhir = toQuestionnaireResponseBundle(bundle, [demo], { values: 'stored' });
    expect(validateFhirResource(fhir)).toEqual([]);
    expect(fhir).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: bundle.exportedAt });
    expect(fhir.entry).toHaveLength(bundle.interviews.length);
    const response = (id: string) => fhir.entry!.find((e) => e.resource.identifier.value === id)!.resource;

    const intake = response(known.intake.id);
    expect(intake.questionnaire).toBe('https://asi-interview.example/fhir/Questionnaire/demo|1.0.0');
    expect(intake).toMatchObject({ status: 'completed', authored: known.intake.completedAt, subject: { identifier: { value: 'K-001' } } });
    expect(response(known.followUp.id).status).toBe('in-progress');
    expect(response(known.terminated.id).status).toBe('stopped');
    // The subject is the pseudonymous code and nothing else about the client.
    expect(JSON.stringify(fhir)).not.toMatch(/1980|female|birth/);

    const items = flatten<QuestionnaireResponseItem>(intake.item).filter((i) => i.answer);
    const stored = bundle.answers.filter((a) => a.interviewId === known.intake.id);
    expect(items.map((i) => i.linkId)).toEqual(demo.items.filter((i) => stored.some((a) => a.itemId === i.id)).map((i) => i.id));
    const value = (id: string) => items.find((i) => i.linkId === id)!.answer![0];
    expect(value('H_DAYS')).toEqual({ valueInteger: 3 });
    expect(value('G_HOUSING_TIME')).toEqual({ valueInteger: 30 });
    expect(value('W_INCOME')).toEqual({ valueDecimal: 5000 });
    expect(value('G_DATE')).toEqual({ valueDate: '2026-11-22' });
    expect(value('G_START')).toEqual({
      valueCoding: { system: 'https://asi-interview.example/fhir/Questionnaire/demo/special-codes', code: 'X', display: 'not answered' },
    });
    expect(value('W_MAJORITY')).toEqual({
      valueCoding: { system: 'https://asi-interview.example/fhir/Questionnaire/demo/special-codes', code: 'N', display: 'not applicable' },
    });
    expect(value('W_LICENCE')).toEqual({ valueCoding: { system: 'https://asi-interview.example/fhir/Questionnaire/demo/codes/yes-no', code: '0', display: 'No' } });
    expect(value('H_TROUBLED')).toEqual({
      valueCoding: { system: 'https://asi-interview.example/fhir/Questionnaire/demo/scales/client04', code: '1', display: 'Slightly' },
    });
    const text = flatten<QuestionnaireResponseItem>(response(known.corrected.id).item).find((i) => i.linkId === 'H_CHRONIC_SPEC')!;
    expect(text.answer).toEqual([{ valueString: 'Astma, "svår"\nkronisk' }]);
    // Every linkId in a response is an item (or section group) of the Questionnaire.
    const linkIds = new Set(flatten<QuestionnaireItem>(toQuestionnaire(demo).item).map((i) => i.linkId));
    for (const entry of fhir.entry!) for (const i of flatten<QuestionnaireResponseItem>(entry.resource.item)) expect(linkIds.has(i.linkId)).toBe(true);
  });

  it('writes times as HH:MM:SS and stays valid for 50 random interviews', async () => {
    const random50 = await exportBundle(await randomStore(31));
    const fhir = toQuestionnaireResponseBundle(random50, [demo], { lang: 'sv' });
    expect(validateFhirResource(fhir)).toEqual([]);
    const times = fhir.entry!.flatMap((e) => flatten<QuestionnaireResponseItem>(e.resource.item)).flatMap((i) => i.answer ?? []).filter((a) => a.valueTime);
    expect(times.length).toBeGreaterThan(0);
    for (const t of times) expect(t.valueTime).toMatch(/^\d{2}:\d{2}:00$/);
  }, 30_000);

  it('refuses to leave out interviews whose instrument version it was not given', () => {
    expect(() => toQuestionnaireResponseBundle(bundle, [])).toThrow(/demo@1\.0\.0/);
  });

  describe('the validator', () => {
    const response = (): QuestionnaireResponse => ({
      resourceType: 'QuestionnaireResponse',
      identifier: { system: 'urn:x', value: 'i1' },
      questionnaire: 'https://x/Questionnaire/demo|1.0.0',
      status: 'completed',
      item: [{ linkId: 'A', answer: [{ valueInteger: 1 }] }],
    });
    const problemsOf = (change: (r: Record<string, any>) => void) => {
      const r = response() as unknown as Record<string, any>;
      change(r);
      return validateFhirResource(r);
    };

    it('accepts a minimal valid response', () => {
      expect(validateFhirResource(response())).toEqual([]);
    });

    it('finds missing required elements, wrong cardinality, unknown elements and bad codes', () => {
      expect(problemsOf((r) => delete r.status)).toEqual([{ path: 'status', message: 'is required' }]);
      expect(problemsOf((r) => (r.status = 'done'))).toEqual([{ path: 'status', message: '"done" is not one of in-progress, completed, amended, entered-in-error, stopped' }]);
      expect(problemsOf((r) => (r.identifier = [r.identifier]))).toEqual([{ path: 'identifier', message: 'must be a single value, not a list' }]);
      expect(problemsOf((r) => (r.item = r.item[0]))).toEqual([{ path: 'item', message: 'must be a list (it can repeat)' }]);
      expect(problemsOf((r) => (r.item = []))).toEqual([{ path: 'item', message: 'must not be an empty list (leave the element out instead)' }]);
      expect(problemsOf((r) => (r.subject = null))).toEqual([{ path: 'subject', message: 'must not be null (leave the element out instead)' }]);
      expect(problemsOf((r) => (r.patient = { reference: 'x' }))).toEqual([{ path: 'patient', message: 'unknown element "patient"' }]);
      expect(problemsOf((r) => delete r.item[0].linkId)).toEqual([{ path: 'item[0].linkId', message: 'is required' }]);
      expect(problemsOf((r) => (r.resourceType = 'Patient'))).toEqual([{ path: 'resourceType', message: 'must be one of Bundle, Questionnaire, QuestionnaireResponse' }]);
    });

    it('requires exactly one value[x] of an allowed type', () => {
      expect(problemsOf((r) => (r.item[0].answer[0] = { valueInteger: 1, valueString: 'one' }))).toEqual([
        { path: 'item[0].answer[0]', message: 'has valueInteger and valueString: value[x] takes one value' },
      ]);
      expect(problemsOf((r) => (r.item[0].answer[0] = {}))).toEqual([{ path: 'item[0].answer[0]', message: 'must not be an empty object' }]);
      expect(problemsOf((r) => (r.item[0].answer[0] = { valueMoney: 1 }))).toEqual([
        { path: 'item[0].answer[0].valueMoney', message: 'unknown element "valueMoney"' },
        { path: 'item[0].answer[0].value[x]', message: 'is required' },
      ]);
    });

    it('checks primitive types against the R4 patterns and ranges', () => {
      const answer = (value: Record<string, unknown>) => problemsOf((r) => (r.item[0].answer[0] = value));
      expect(answer({ valueInteger: 2_147_483_648 })).toHaveLength(1);
      expect(answer({ valueInteger: 1.5 })).toHaveLength(1);
      expect(answer({ valueInteger: '1' })).toHaveLength(1);
      expect(answer({ valueDecimal: 1.5 })).toEqual([]);
      expect(answer({ valueDate: '2026-02-30' })).toEqual([]); // the pattern allows it; calendar checks are not R4 syntax
      expect(answer({ valueDate: '2026-13-01' })).toEqual([{ path: 'item[0].answer[0].valueDate', message: '"2026-13-01" is not a valid date' }]);
      expect(answer({ valueDate: '2026' })).toEqual([]);
      expect(answer({ valueTime: '09:30' })).toEqual([{ path: 'item[0].answer[0].valueTime', message: '"09:30" is not a valid time' }]);
      expect(answer({ valueTime: '09:30:00' })).toEqual([]);
      expect(answer({ valueTime: '24:00:00' })).toHaveLength(1);
      expect(answer({ valueString: '' })).toEqual([{ path: 'item[0].answer[0].valueString', message: 'must not be an empty string' }]);
      expect(answer({ valueCoding: { system: 'has space', code: 'X' } })).toHaveLength(1);
      expect(answer({ valueCoding: { code: ' X' } })).toHaveLength(1);
      expect(problemsOf((r) => (r.authored = '2026-11-22T10:00'))).toHaveLength(1);
      expect(problemsOf((r) => (r.authored = '2026-11-22T10:00:00.123+01:00'))).toEqual([]);
    });

    it('checks the Questionnaire and Bundle invariants it relies on', () => {
      const q = toQuestionnaire(demo) as unknown as Record<string, any>;
      q.item[1].item[3].answerOption = [{ valueCoding: { code: '1' } }];
      q.item[2].item[0].linkId = 'H_DAYS';
      q.item[0].type = 'display';
      expect(validateFhirResource(q)).toEqual([
        { path: 'item[0]', message: 'a display item cannot have nested items (que-1)' },
        { path: 'item[1].item[3].answerOption', message: 'only choice and open-choice items can have answerOption (que-5)' },
        { path: 'item[2].item[0].linkId', message: 'linkId "H_DAYS" is used more than once (que-2)' },
      ]);
      const b = { resourceType: 'Bundle', type: 'collection', total: 1, entry: [{ resource: { resourceType: 'QuestionnaireResponse' } }] };
      expect(validateFhirResource(b)).toEqual([
        { path: 'entry[0].resource.status', message: 'is required' },
        { path: 'total', message: 'total is only for searchset and history bundles (bdl-1)' },
      ]);
      expect(validateFhirResource({ resourceType: 'Bundle', type: 'collection', timestamp: '2026-11-22' })).toEqual([
        { path: 'timestamp', message: '"2026-11-22" is not a valid instant' },
      ]);
    });
  });
});
