// Store contract in Node against the memory store and the IndexedDB store on fake-indexeddb, plus the hash chain itself.
// idb's wrappers test `instanceof IDBRequest` etc. against globals, so fake-indexeddb's globals must be installed too.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { wrap } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nowWithOffset, sealEvent, sealEvents, verifyChain } from '../../src/core/storage/audit-chain.js';
import type { AuditDraft } from '../../src/core/storage/audit-chain.js';
import { DB_VERSION, IdbInterviewStore, openIdbStore } from '../../src/core/storage/idb-store.js';
import { createMemoryStore, memoryStoreRecords } from '../../src/core/storage/memory-store.js';
import { StorageError } from '../../src/core/storage/types.js';
import type { InterviewStore } from '../../src/core/storage/types.js';
import { aClient, anInterview, rejectionOf, runStoreContract } from '../contract/store-contract.js';
import { rawEdits } from '../contract/raw-idb.js';
import { createUnitKey } from '../../src/core/protection/unit-key.js';

const api = { describe, it, beforeEach, afterEach, expect };

runStoreContract(api, 'memory', async () => createMemoryStore(), {
  async tamper(store, interviewId, index) {
    memoryStoreRecords(store)!.audit.filter((e) => e.interviewId === interviewId)[index]!.new = 'tampered';
  },
  raw: (store) => {
    const db = memoryStoreRecords(store)!;
    return {
      async tamperEvent(interviewId, index) {
        db.audit.filter((e) => e.interviewId === interviewId)[index]!.new = 'tampered';
      },
      async deleteLastEvent(interviewId) {
        const index = db.audit.map((e) => e.interviewId).lastIndexOf(interviewId);
        db.audit.splice(index, 1);
      },
      async editAnswer(interviewId, itemId) {
        db.answers.get(interviewId)!.get(itemId)!.value = 99;
      },
      async swapAnswers(interviewId, a, b) {
        const answers = db.answers.get(interviewId)!;
        const [x, y] = [answers.get(a)!.value, answers.get(b)!.value];
        answers.get(a)!.value = y;
        answers.get(b)!.value = x;
      },
    };
  },
});

/** Alters one stored audit event through a second, raw connection, as someone editing the database would. */
async function tamperIdb(factory: IDBFactory, name: string, interviewId: string, index: number): Promise<void> {
  const db = (await wrap(factory.open(name)))!;
  const tx = db.transaction('audit', 'readwrite');
  const events = await tx.store.index('byInterview').getAll(interviewId);
  await tx.store.put({ ...events[index], new: 'tampered' });
  await tx.done;
  db.close();
}

let factory = new IDBFactory();
runStoreContract(
  api,
  'IndexedDB (fake-indexeddb)',
  async () => {
    factory = new IDBFactory();
    return openIdbStore({ factory, name: 'contract' });
  },
  {
    tamper: (store, interviewId, index) => tamperIdb(factory, (store as IdbInterviewStore).name, interviewId, index),
    raw: (store) => rawEdits(factory, () => (store as IdbInterviewStore).name),
  },
);

// The same contract with encryption at rest on: one unit key for every test (PBKDF2 is slow on purpose).
const unitKey = createUnitKey('enhetens lösenfras 2026');
let sealedFactory = new IDBFactory();
runStoreContract(
  api,
  'IndexedDB (fake-indexeddb), encrypted',
  async () => {
    sealedFactory = new IDBFactory();
    const store = await openIdbStore({ factory: sealedFactory, name: 'contract-sealed' });
    await store.enableEncryption(await unitKey);
    return store;
  },
  { sealed: true, raw: (store) => rawEdits(sealedFactory, () => (store as IdbInterviewStore).name) },
);

describe('audit chain', () => {
  const draft = (itemId: string, value: number): AuditDraft => ({
    interviewId: 'i1',
    type: 'answer',
    itemId,
    old: null,
    new: value,
    at: '2026-11-22T17:01:02.123+01:00',
    actor: 'IV',
  });

  it('hashes independently of key order and excludes seq', async () => {
    const a = await sealEvent(draft('A1', 1), '');
    const reordered = Object.fromEntries(Object.entries(draft('A1', 1)).reverse()) as AuditDraft;
    expect((await sealEvent(reordered, '')).hash).toBe(a.hash);
    expect(await verifyChain([{ ...a, seq: 42 }])).toEqual({ ok: true });
    expect((await sealEvent(draft('A1', 1), 'x')).hash).not.toBe(a.hash);
  });

  it('finds the first broken link: altered content, a removed event, a reordered chain', async () => {
    const events = await sealEvents([draft('A1', 1), draft('A2', 2), draft('A3', 3)], '');
    expect(await verifyChain(events)).toEqual({ ok: true });
    expect(await verifyChain(events.map((e, i) => (i === 2 ? { ...e, actor: 'someone' } : e)))).toEqual({ ok: false, brokenAt: 2 });
    expect(await verifyChain([events[0]!, events[2]!])).toEqual({ ok: false, brokenAt: 1 });
    expect(await verifyChain([events[1]!, events[0]!])).toEqual({ ok: false, brokenAt: 0 });
  });

  it('formats local time with its UTC offset', () => {
    const date = new Date('2026-11-22T16:01:02.123Z');
    const text = nowWithOffset(date);
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.123[+-]\d{2}:\d{2}$/);
    expect(Date.parse(text)).toBe(date.getTime());
    const offset = -date.getTimezoneOffset();
    const sign = offset < 0 ? '-' : '+';
    const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
    expect(text.endsWith(`${sign}${hhmm}`)).toBe(true);
  });
});

describe('memory store', () => {
  it('uses the injected clock', async () => {
    const now = new Date(2026, 10, 22, 17, 1, 2, 123);
    const store = createMemoryStore({ now: () => now });
    await store.putClient(aClient());
    await store.createInterview(anInterview());
    await store.saveAnswers('i1', [{ itemId: 'A1', value: 1, source: 'entered' }], { actor: 'IV' });
    expect((await store.getAuditLog('i1'))[0]?.at.startsWith('2026-11-22T17:01:02.123')).toBe(true);
  });
});

describe('IndexedDB store on fake-indexeddb', () => {
  let fake: IDBFactory;
  const stores: InterviewStore[] = [];
  beforeEach(() => {
    fake = new IDBFactory();
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  const open = async (options: Parameters<typeof openIdbStore>[0] = {}) => {
    const store = await openIdbStore({ factory: fake, name: 'db', ...options });
    stores.push(store);
    return store;
  };

  it('creates the version-1 schema', async () => {
    await open();
    const db = (await wrap(fake.open('db')))!;
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames]).toEqual(['answers', 'audit', 'clients', 'interviews', 'meta', 'scores']);
    const tx = db.transaction(['answers', 'audit', 'interviews', 'scores']);
    expect(tx.objectStore('answers').keyPath).toEqual(['interviewId', 'itemId']);
    expect(tx.objectStore('audit').autoIncrement).toBe(true);
    expect([...tx.objectStore('interviews').indexNames]).toEqual(['byClient']);
    expect([...tx.objectStore('scores').indexNames]).toEqual(['byInterview']);
    db.close();
  });

  it('keeps records across reopening', async () => {
    const first = await open();
    await first.putClient(aClient());
    await first.createInterview(anInterview());
    await first.saveAnswers('i1', [{ itemId: 'A1', value: 1, source: 'entered' }], { actor: 'IV' });
    first.close();
    const second = await open();
    expect((await second.getAnswers('i1')).map((a) => a.value)).toEqual([1]);
    expect(await second.verifyAuditLog('i1')).toEqual({ ok: true });
  });

  it('closes its connection and reports when another connection asks for a newer version', async () => {
    let calls = 0;
    const store = await open({ onVersionChange: () => calls++ });
    const newer = (await wrap(fake.open('db', DB_VERSION + 1)))!;
    expect(calls).toBe(1);
    const error = await rejectionOf(store.getClient('c1'));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('closed');
    expect((error as StorageError).message).toMatch(/reload/);
    newer.close();
  });

  it('keeps one chain when two connections (two tabs) save at the same moment', async () => {
    const first = await open();
    const second = await open();
    await first.putClient(aClient());
    await first.createInterview(anInterview());
    const save = (store: InterviewStore, itemId: string) =>
      store.saveAnswers('i1', [{ itemId, value: 1, source: 'entered' }], { actor: 'IV' });
    await Promise.all([save(first, 'A1'), save(second, 'A2')]);
    expect(await first.getAuditLog('i1')).toHaveLength(2);
    expect(await second.verifyAuditLog('i1')).toEqual({ ok: true });
  });

  it('tells an outdated app to reload when the stored database is newer', async () => {
    (await wrap(fake.open('db', DB_VERSION + 1)))!.close();
    const error = await rejectionOf(openIdbStore({ factory: fake, name: 'db' }));
    expect((error as StorageError).code).toBe('closed');
    expect((error as StorageError).message).toMatch(/reload/);
  });

  it('reconnects once after the connection was closed behind its back', async () => {
    const store = await open();
    await store.putClient(aClient());
    store.connection!.close();
    expect((await store.getClient('c1'))?.id).toBe('c1');
  });
});
