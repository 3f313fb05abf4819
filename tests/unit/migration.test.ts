// Migrations from every released store version (reliability item 13): each fixture in tests/fixtures/db loaded at its own version, opened with today's store, read back whole.
// idb's wrappers test `instanceof IDBRequest` etc. against globals, so fake-indexeddb's globals must be installed too.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { DB_VERSION, openIdbStore, type IdbInterviewStore } from '../../src/core/storage/idb-store.js';
import type { AnswerRecord, AuditEvent, ClientRecord, InterviewRecord, ScoreRecord, StoreRecords } from '../../src/core/storage/types.js';
import {
  canonical,
  decodeValue,
  dumpDatabase,
  encodeValue,
  expectedTips,
  fixtureToRaw,
  judgeMigration,
  writeDatabase,
  type DbFixture,
  type RawDatabase,
} from '../fixtures/db/fixture-db.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/db');
const fixture = (name: string): DbFixture => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as DbFixture;
const V1 = fixture('v1');
const V2_PLAIN = fixture('v2-plain');
const V2_ENCRYPTED = fixture('v2-encrypted');

let factory: IDBFactory;
let n = 0;
let name: string;
beforeEach(() => {
  factory = new IDBFactory();
  name = `migration-${++n}`;
});

const values = <T>(raw: RawDatabase, store: string) => (raw.stores[store] ?? []).map((r) => r.value as T);

/** What a store holds, as its public API shows it: the fixture's records in the store's own shapes and orders. */
function publicView(raw: RawDatabase): StoreRecords {
  const strip = <T extends object>(r: T, fields: string[]) => Object.fromEntries(Object.entries(r).filter(([k]) => !fields.includes(k))) as T;
  return {
    clients: values<ClientRecord>(raw, 'clients'),
    interviews: values<InterviewRecord>(raw, 'interviews').map((i) => strip(i, ['chain', 'rev'])),
    answers: values<AnswerRecord>(raw, 'answers'),
    audit: values<AuditEvent>(raw, 'audit').map((e) => strip(e, ['n', 'link'])),
    scores: values<ScoreRecord>(raw, 'scores'),
  };
}

/** Writes the fixture into a fresh database at its own version, then opens it with today's store (running any migration). */
async function openFixture(f: DbFixture): Promise<IdbInterviewStore> {
  await writeDatabase(factory, name, fixtureToRaw(f));
  return openIdbStore({ name, factory });
}

/** Every record of `expected`, read back one by one through the store's API; and every interview's chain verifies. */
async function expectReadsBack(store: IdbInterviewStore, expected: StoreRecords): Promise<void> {
  const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
  expect(byId(await store.listClients())).toEqual(byId(expected.clients));
  for (const c of expected.clients) expect(await store.getClient(c.id)).toEqual(c);
  for (const interview of expected.interviews) {
    const id = interview.id;
    expect(await store.getInterview(id)).toEqual(interview);
    expect((await store.listInterviews({ clientId: interview.clientId })).map((i) => i.id)).toContain(id);
    expect(await store.getAnswers(id)).toEqual(expected.answers.filter((a) => a.interviewId === id));
    // In log order, seq included.
    expect(await store.getAuditLog(id)).toEqual(expected.audit.filter((e) => e.interviewId === id));
    expect(await store.getScores(id)).toEqual(expected.scores.filter((s) => s.interviewId === id));
    const report = await store.verifyInterview(id);
    expect(report, `interview ${id}`).toMatchObject({ ok: true });
    expect(await store.verifyAuditLog(id)).toEqual({ ok: true });
  }
  expect((await store.listInterviews()).length).toBe(expected.interviews.length);
  expect(await store.exportRecords()).toEqual(expected);
}

/** Further writes chain onto the migrated chain: a paused interview resumed and answered, a completed one corrected. */
async function expectSavesChainOn(store: IdbInterviewStore, expected: StoreRecords): Promise<void> {
  const paused = expected.interviews.find((i) => i.status === 'paused')!;
  const completed = expected.interviews.find((i) => i.status === 'completed' && i.instrumentId === 'demo' && i.interviewer === 'anna.s')!;
  for (const [interview, reason] of [
    [paused, undefined],
    [completed, 'Migreringstest: rättat efter uppgradering'],
  ] as const) {
    const before = await store.getAuditLog(interview.id);
    if (reason === undefined) await store.updateInterview(interview.id, { status: 'in-progress' }, { actor: 'migration-test' });
    await store.saveAnswers(interview.id, [{ itemId: 'H_DAYS', value: 29, source: 'entered' }], { actor: 'migration-test', ...(reason ? { reason } : {}) });
    const after = await store.getAuditLog(interview.id);
    expect(after.slice(0, before.length)).toEqual(before);
    const added = after.slice(before.length);
    expect(added.length).toBe(reason === undefined ? 2 : 1);
    expect(added[0]!.prevHash).toBe(before.at(-1)!.hash);
    expect(added.at(-1)).toMatchObject({ type: 'answer', itemId: 'H_DAYS', new: 29, ...(reason ? { reason } : {}) });
    expect(await store.verifyInterview(interview.id)).toMatchObject({ ok: true });
  }
}

describe('fixture encoding', () => {
  it('round-trips bytes and refuses what JSON would change', () => {
    const value = { iv: new Uint8Array([1, 2, 255]), data: new Uint8Array([0, 9]).buffer, nested: [{ a: 'å' }] };
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value)))) as typeof value;
    expect(back.iv).toBeInstanceOf(Uint8Array);
    expect([...back.iv]).toEqual([1, 2, 255]);
    expect(back.data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(back.data)]).toEqual([0, 9]);
    expect(canonical(back)).toBe(canonical(value));
    expect(() => encodeValue({ at: new Date(0) })).toThrow(/Date/);
    expect(() => encodeValue({ $bytes: 'x' })).toThrow(/\$bytes/);
    expect(() => encodeValue([undefined])).toThrow(/undefined/);
  });

  it('loads each fixture at its own version exactly as it was dumped', async () => {
    for (const f of [V1, V2_PLAIN, V2_ENCRYPTED]) {
      const raw = fixtureToRaw(f);
      const target = `${name}-${f.fixture}`;
      await writeDatabase(factory, target, raw);
      const dumped = await dumpDatabase(factory, target);
      expect(dumped.version).toBe(f.version);
      expect(canonical(dumped)).toBe(canonical(raw));
    }
  });

  it('refuses to load into a database that exists, or with a schema the version did not have', async () => {
    await writeDatabase(factory, name, fixtureToRaw(V1));
    await expect(writeDatabase(factory, name, fixtureToRaw(V1))).rejects.toThrow(/already exists/);
    const wrong = fixtureToRaw(V1);
    wrong.schema = wrong.schema.filter((s) => s.name !== 'meta');
    await expect(writeDatabase(factory, `${name}-b`, wrong)).rejects.toThrow(/schema differs/);
  });
});

describe('v1 fixture (asi-interview 0.1.0)', () => {
  const raw = fixtureToRaw(V1);

  it('holds what v0.1 wrote: no chain tips, no revisions, no marker, and every kind of record', () => {
    expect(raw.version).toBe(1);
    expect(V1.madeBy).toMatch(/3072e3e/);
    const interviews = values<Record<string, unknown>>(raw, 'interviews');
    expect(interviews.some((i) => 'chain' in i || 'rev' in i)).toBe(false);
    expect(raw.stores.meta).toEqual([]);
    expect(new Set(interviews.map((i) => i.status))).toEqual(new Set(['completed', 'paused', 'terminated']));
    expect(new Set(interviews.map((i) => `${i.instrumentId}/${i.round}`))).toEqual(new Set(['demo/intake', 'demo/follow-up', 'asi/grund', 'asi/lite']));
    const audit = values<AuditEvent>(raw, 'audit');
    expect(audit.some((e) => e.type === 'answer' && e.reason === 'Klienten rättade antalet dagar')).toBe(true);
    expect(audit.some((e) => e.type === 'status' && e.new === 'terminated')).toBe(true);
    expect(values<AnswerRecord>(raw, 'answers').some((a) => a.source === 'autofill')).toBe(true);
    expect(values<ScoreRecord>(raw, 'scores').map((s) => s.scoreId)).toEqual(expect.arrayContaining(['HEALTH', 'ALC', 'DRUG', 'PSY']));
    // The imported bundle's interviews (simulated interviewers INT-…) sit beside the ones taken here.
    expect(interviews.filter((i) => /^INT-/.test(String(i.interviewer))).length).toBe(4);
  });

  it('migrates to the current version with every record unchanged, chain tips computed and the marker written', async () => {
    const store = await openFixture(V1);
    const after = await dumpDatabase(factory, name);
    expect(after.version).toBe(DB_VERSION);
    // The raw view: interviews gained exactly their chain tip and rev 0, meta its marker, nothing else changed.
    const verdict = judgeMigration(raw, after);
    expect(verdict.problems).toEqual([]);
    expect(verdict.state).toBe('new');
    const tips = expectedTips(raw);
    expect([...tips.values()].filter((t) => t.count > 0).length).toBe(8);
    for (const i of values<InterviewRecord & { chain: unknown }>(after, 'interviews')) expect(i.chain).toEqual(tips.get(i.id));
    const marker = await store.marker();
    expect(marker).toEqual({ id: expect.any(String), createdAt: expect.any(String) });

    await expectReadsBack(store, publicView(raw));
    expect(await store.protection()).toBe('plain');
    await expectSavesChainOn(store, publicView(raw));
    store.close();
  });

  it('opens a second time without migrating again', async () => {
    const first = await openFixture(V1);
    const marker = await first.marker();
    first.close();
    const again = await openIdbStore({ name, factory });
    expect(await again.marker()).toEqual(marker);
    await expectReadsBack(again, publicView(raw));
    again.close();
  });

  it('can be encrypted after the migration and still reads back the same', async () => {
    const store = await openFixture(V1);
    await store.enableEncryption('migrated-store-test-passphrase');
    const atRest = JSON.stringify(rawStores(await dumpDatabase(factory, name)));
    expect(atRest).not.toContain('Klienten rättade');
    await expectReadsBack(store, publicView(raw));
    store.close();
  });
});

/** The records of the data stores only (not meta), encoded: what a look at the raw database shows. */
const rawStores = (raw: RawDatabase) => Object.fromEntries(Object.entries(raw.stores).filter(([n]) => n !== 'meta').map(([n, r]) => [n, r.map((x) => encodeValue(x.value))]));

describe('v2 fixtures (current schema)', () => {
  const plain = fixtureToRaw(V2_PLAIN);
  const plainView = publicView(plain);

  it('v2-plain opens without a migration: the database is left exactly as loaded', async () => {
    const store = await openFixture(V2_PLAIN);
    await store.ready();
    expect(canonical(await dumpDatabase(factory, name))).toBe(canonical(plain));
    expect(await store.marker()).toEqual(plain.stores.meta!.find((r) => r.key === 'store')!.value);
    // The stored chain tips are the ones the v2 code wrote; they must match the logs.
    for (const i of values<InterviewRecord & { chain: unknown; rev: number }>(plain, 'interviews')) {
      expect(i.chain).toEqual(expectedTips(plain).get(i.id));
      expect(i.rev).toEqual(expect.any(Number));
    }
    await expectReadsBack(store, plainView);
    await expectSavesChainOn(store, plainView);
    store.close();
  });

  it('v2-encrypted is locked until unlocked with its passphrase, then holds the records of v2-plain', async () => {
    expect(V2_ENCRYPTED.testPassphrase).toBe('test-fixture-passphrase-not-secret');
    const encrypted = fixtureToRaw(V2_ENCRYPTED);
    // Sealed at rest: none of the free text, codes or answers of the plain fixture are in the raw records.
    const atRest = JSON.stringify(rawStores(encrypted));
    for (const canary of ['Klienten rättade', 'Klienten avbröt', 'svar G', 'K-001', 'anna.s']) expect(atRest).not.toContain(canary);

    const store = await openFixture(V2_ENCRYPTED);
    expect(await store.protection()).toBe('locked');
    await expect(store.listClients()).rejects.toMatchObject({ code: 'locked' });
    await expect(store.getAuditLog(plainView.interviews[0]!.id)).rejects.toMatchObject({ code: 'locked' });
    await expect(store.unlock('not-the-fixture-passphrase')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    expect(await store.protection()).toBe('locked');

    await store.unlock(V2_ENCRYPTED.testPassphrase!);
    expect(await store.protection()).toBe('unlocked');
    await expectReadsBack(store, plainView);
    await expectSavesChainOn(store, plainView);
    store.close();
  });
});

describe('judging a migration', () => {
  it('tells a half-migrated database from the wholly old and the wholly new one', async () => {
    const before = fixtureToRaw(V1);
    expect(judgeMigration(before, before).state).toBe('old');
    await writeDatabase(factory, name, before);
    (await openIdbStore({ name, factory })).close();
    const after = await dumpDatabase(factory, name);
    expect(judgeMigration(before, after).state).toBe('new');

    const tips = expectedTips(before);
    const half: RawDatabase = structuredClone(before);
    half.version = 2;
    half.stores.interviews = half.stores.interviews!.map((r, i) => (i % 2 ? r : { ...r, value: { ...(r.value as object), chain: tips.get(r.key as string), rev: 0 } }));
    half.stores.meta = after.stores.meta!;
    const verdict = judgeMigration(before, half);
    expect(verdict.state).toBe('mixed');
    expect(verdict.interviewsNew).toBe(4);
    expect(verdict.interviewsOld).toBe(4);

    // Wholly migrated interviews but no marker, or an answer lost: mixed too.
    expect(judgeMigration(before, { ...after, stores: { ...after.stores, meta: [] } }).state).toBe('mixed');
    expect(judgeMigration(before, { ...after, stores: { ...after.stores, answers: after.stores.answers!.slice(1) } }).state).toBe('mixed');
    // A wrong tip is neither form.
    const wrongTip = structuredClone(after);
    (wrongTip.stores.interviews![0]!.value as { chain: { count: number } }).chain.count++;
    expect(judgeMigration(before, wrongTip).problems.join('\n')).toMatch(/neither the v1 record nor its migration/);
  });
});
