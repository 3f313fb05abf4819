// Store contract against real IndexedDB in Chromium, plus what only a real browser shows: rollback, durability, reconnects, upgrades.
import { expect } from '@open-wc/testing';
import { openDB } from 'idb';
import { DB_VERSION, deleteIdbStore, openIdbStore } from '../../src/core/storage/idb-store.js';
import type { IdbInterviewStore, IdbStoreOptions } from '../../src/core/storage/idb-store.js';
import { StorageError } from '../../src/core/storage/types.js';
import type { AnswerChange, AuditEvent } from '../../src/core/storage/types.js';
import { aClient, anInterview, rejectionOf, runStoreContract } from '../contract/store-contract.js';

const uniqueName = () => `asi-test-${crypto.randomUUID()}`;
const entered = (itemId: string, value: AnswerChange['value']): AnswerChange => ({ itemId, value, source: 'entered' });

runStoreContract(
  { describe, it, beforeEach, afterEach, expect },
  'IndexedDB (Chromium)',
  () => openIdbStore({ name: uniqueName() }),
  {
    async tamper(store, interviewId, index) {
      const db = await openDB((store as IdbInterviewStore).name);
      const events = await db.getAllFromIndex('audit', 'byInterview', interviewId);
      await db.put('audit', { ...(events[index] as AuditEvent), new: 'tampered' });
      db.close();
    },
  },
);

describe('IndexedDB store in Chromium', () => {
  const names: string[] = [];
  const stores: IdbInterviewStore[] = [];
  const restore: (() => void)[] = [];

  /** Replaces a prototype method for one test; afterEach puts it back. */
  function patch<T extends object, K extends keyof T>(target: T, key: K, replacement: (original: T[K]) => T[K]): void {
    const original = target[key];
    target[key] = replacement(original);
    restore.push(() => (target[key] = original));
  }

  async function open(options: IdbStoreOptions = {}): Promise<IdbInterviewStore> {
    const name = options.name ?? uniqueName();
    if (!names.includes(name)) names.push(name);
    const store = await openIdbStore({ ...options, name });
    stores.push(store);
    return store;
  }

  async function withInterview(options: IdbStoreOptions = {}): Promise<IdbInterviewStore> {
    const store = await open(options);
    await store.putClient(aClient());
    await store.createInterview(anInterview());
    return store;
  }

  const contents = async (store: IdbInterviewStore) => ({
    interview: await store.getInterview('i1'),
    answers: await store.getAnswers('i1'),
    audit: await store.getAuditLog('i1'),
  });

  afterEach(async () => {
    for (const undo of restore.splice(0)) undo();
    for (const store of stores.splice(0)) store.close();
    for (const name of names.splice(0)) await deleteIdbStore(name);
  });

  describe('a failed answer transaction', () => {
    it('rolls back answers, audit events and the interview patch when the transaction aborts', async () => {
      const store = await withInterview();
      await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
      const before = await contents(store);
      // The answer puts have already gone through when the audit add aborts the transaction.
      patch(IDBObjectStore.prototype, 'add', (add) =>
        function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
          const request = add.apply(this, args);
          if (this.name === 'audit') this.transaction.abort();
          return request;
        },
      );
      const error = await rejectionOf(store.saveAnswers('i1', [entered('A1', 2), entered('A2', 3)], { actor: 'IV', interview: { position: 'A3' } }));
      expect(error).to.be.instanceOf(StorageError);
      expect((error as StorageError).code).to.equal('aborted');
      expect(await contents(store)).to.deep.equal(before);
      restore.pop()!();
      await store.saveAnswers('i1', [entered('A1', 2)], { actor: 'IV' });
      expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
    });

    it('reports a full disk as quota and writes nothing', async () => {
      const store = await withInterview();
      const before = await contents(store);
      patch(IDBObjectStore.prototype, 'put', (put) =>
        function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          if (this.name !== 'interviews') return put.apply(this, args);
          this.transaction.abort();
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
      );
      const error = await rejectionOf(store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV', interview: { position: 'A2' } }));
      expect((error as StorageError).code).to.equal('quota');
      expect((error as StorageError).message).to.match(/full/);
      expect(await contents(store)).to.deep.equal(before);
    });
  });

  it('asks for strict durability on every write transaction', async () => {
    const calls: { stores: string[]; mode?: IDBTransactionMode; options?: IDBTransactionOptions }[] = [];
    patch(IDBDatabase.prototype, 'transaction', (transaction) =>
      function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
        calls.push({ stores: [stores].flat(), mode, options });
        return transaction.call(this, stores, mode, options);
      },
    );
    const store = await withInterview();
    await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
    await store.updateInterview('i1', { status: 'paused' }, { actor: 'IV' });
    await store.putScores('i1', []);
    const writes = calls.filter((c) => c.mode === 'readwrite');
    expect(writes.some((c) => c.stores.includes('answers') && c.stores.includes('audit'))).to.be.true;
    expect(writes.length).to.equal(5);
    for (const call of writes) expect(call.options?.durability).to.equal('strict');
  });

  describe('a connection closed behind the store’s back', () => {
    it('reconnects and saves on the next write', async () => {
      const store = await withInterview();
      store.connection!.close();
      await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
      expect((await store.getAnswers('i1')).map((a) => a.value)).to.deep.equal([1]);
    });

    it('saves an answer that was in flight when the connection closed', async () => {
      const store = await withInterview();
      const saving = store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
      store.connection!.close();
      await saving;
      expect(await store.getAuditLog('i1')).to.have.length(1);
      expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
    });
  });

  describe('upgrades', () => {
    /** A factory that asks for one version more than the store knows: what a newer release of the app does. */
    const newerRelease: IDBFactory = Object.assign(Object.create(indexedDB) as IDBFactory, {
      open: (name: string, version?: number) => indexedDB.open(name, (version ?? DB_VERSION) + 1),
    });

    it('closes an old tab’s connection and tells it to reload when a newer version opens', async () => {
      const name = uniqueName();
      let notified = 0;
      const oldTab = await withInterview({ name, onVersionChange: () => notified++ });
      await oldTab.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });

      const started = performance.now();
      const newTab = await open({ name, factory: newerRelease });
      expect(performance.now() - started < 2000).to.be.true;
      expect(notified).to.equal(1);
      const error = await rejectionOf(oldTab.saveAnswers('i1', [entered('A1', 2)], { actor: 'IV' }));
      expect((error as StorageError).code).to.equal('closed');
      expect((error as StorageError).message).to.match(/reload/);
      // Nothing was lost in the upgrade.
      expect((await newTab.getAnswers('i1')).map((a) => a.value)).to.deep.equal([1]);
      expect(await newTab.verifyAuditLog('i1')).to.deep.equal({ ok: true });
    });

    it('gives up after 2 s with blocked when an old connection will not close', async () => {
      const name = uniqueName();
      names.push(name);
      const stubborn = await openDB(name, DB_VERSION); // no `blocking` handler: it ignores versionchange
      const started = performance.now();
      const error = await rejectionOf(openIdbStore({ name, factory: newerRelease }));
      const waited = performance.now() - started;
      expect(error).to.be.instanceOf(StorageError);
      expect((error as StorageError).code).to.equal('blocked');
      expect((error as StorageError).message).to.equal('Close other tabs of this app to finish upgrading the database');
      expect(waited >= 1900 && waited < 4000).to.be.true;
      stubborn.close();
    });
  });

  it('keeps records across reopening', async () => {
    const name = uniqueName();
    const first = await withInterview({ name });
    await first.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV', interview: { position: 'A2' } });
    first.close();
    const second = await open({ name });
    expect((await second.getInterview('i1'))?.position).to.equal('A2');
    expect(await second.verifyAuditLog('i1')).to.deep.equal({ ok: true });
  });
});
