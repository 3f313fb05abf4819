// Store contract against real IndexedDB in Chromium, plus what only a real browser shows: rollback, durability, reconnects, upgrades.
import { expect } from '@open-wc/testing';
import { openDB } from 'idb';
import { DB_VERSION, deleteIdbStore, openIdbStore } from '../../src/core/storage/idb-store.js';
import type { IdbInterviewStore, IdbStoreOptions } from '../../src/core/storage/idb-store.js';
import { StorageError } from '../../src/core/storage/types.js';
import type { AnswerChange, AuditEvent } from '../../src/core/storage/types.js';
import { aClient, anInterview, rejectionOf, runStoreContract } from '../contract/store-contract.js';
import { rawEdits } from '../contract/raw-idb.js';
import { createUnitKey } from '../../src/core/protection/unit-key.js';
import type { ProtectionError } from '../../src/core/protection/errors.js';

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
    raw: (store) => rawEdits(indexedDB, () => (store as IdbInterviewStore).name),
  },
);

// With encryption at rest: one unit key for all of them, since PBKDF2 at 600,000 iterations is slow on purpose.
const unitKey = createUnitKey('enhetens lösenfras 2026');
runStoreContract(
  { describe, it, beforeEach, afterEach, expect },
  'IndexedDB (Chromium), encrypted',
  async () => {
    const store = await openIdbStore({ name: uniqueName() });
    await store.enableEncryption(await unitKey);
    return store;
  },
  { sealed: true, raw: (store) => rawEdits(indexedDB, () => (store as IdbInterviewStore).name) },
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

  describe('encryption at rest', () => {
    const PASS = 'enhetens lösenfras 2026';
    const CANARY = 'KANARIE-7f3a';

    /** Every stored record of every object store, read through a raw connection as anyone with the profile could. */
    async function rawRecords(name: string): Promise<{ store: string; value: Record<string, unknown> }[]> {
      const db = await openDB(name);
      const out: { store: string; value: Record<string, unknown> }[] = [];
      for (const store of ['clients', 'interviews', 'answers', 'audit', 'scores']) {
        for (const value of await db.getAll(store)) out.push({ store, value });
      }
      db.close();
      return out;
    }

    /** One interview with the canary in every sensitive place: code, free text, audit values, a reason, scores, snapshot. */
    async function withCanaries(store: IdbInterviewStore): Promise<void> {
      await store.putClient({ ...aClient(), code: `${CANARY}-code` });
      await store.createInterview({ ...anInterview(), interviewer: `${CANARY}-staff` });
      await store.saveAnswers('i1', [entered('T1', `${CANARY} free text`), entered('A1', 4)], {
        actor: 'IV',
        interview: { position: 'A2', snapshot: { note: `${CANARY}-snapshot` } },
      });
      await store.saveAnswers('i1', [entered('T1', `${CANARY} corrected`)], { actor: 'IV', reason: `${CANARY} reason` });
      await store.putScores('i1', [
        {
          interviewId: 'i1',
          scoreId: 'MED',
          value: 0.25,
          computedAt: '2026-01-01T10:00:00.000+01:00',
          provenance: { algorithm: { id: 'asi', version: '1' }, instrument: { id: 'asi', version: '1.0.0' }, inputs: { T1: `${CANARY} in`, A1: 4 }, missing: [] },
        },
      ]);
    }

    it('seals every record with its own IV, so no canary is in any stored value, and reads them back as they were', async () => {
      const name = uniqueName();
      const store = await open({ name });
      await withCanaries(store);
      const before = { client: await store.getClient('c1'), ...(await contents(store)), scores: await store.getScores('i1') };
      expect(JSON.stringify(await rawRecords(name))).to.include(CANARY); // the control: in clear before
      await store.enableEncryption(PASS);

      const records = await rawRecords(name);
      expect(records.length).to.equal(1 + 1 + 2 + 3 + 1);
      const ivs = new Set<string>();
      for (const { store: s, value } of records) {
        expect(JSON.stringify(value)).not.to.include(CANARY);
        const sealed = value.sealed as { iv: Uint8Array; data: ArrayBuffer };
        expect(sealed.iv).to.be.instanceOf(Uint8Array);
        expect(sealed.iv.length).to.equal(12);
        expect(new TextDecoder().decode(sealed.data)).not.to.include(CANARY);
        ivs.add(`${s}:${Array.from(sealed.iv).join(',')}`);
      }
      expect(ivs.size).to.equal(records.length);
      expect({ client: await store.getClient('c1'), ...(await contents(store)), scores: await store.getScores('i1') }).to.deep.equal(before);
      expect((await store.verifyInterview('i1')).ok).to.be.true;

      // New writes are sealed too, each with a fresh IV.
      await store.saveAnswers('i1', [entered('T2', `${CANARY} later`)], { actor: 'IV' });
      const after = await rawRecords(name);
      expect(JSON.stringify(after)).not.to.include(CANARY);
      expect(new Set(after.map(({ value }) => Array.from((value.sealed as { iv: Uint8Array }).iv).join(','))).size).to.equal(after.length);
    });

    it('stays locked after reopening until the passphrase is given; a wrong one unlocks nothing and writes nothing', async () => {
      const name = uniqueName();
      const first = await open({ name });
      await withCanaries(first);
      await first.enableEncryption(PASS);
      first.close();

      const second = await open({ name });
      expect(await second.protection()).to.equal('locked');
      expect(((await rejectionOf(second.getAnswers('i1'))) as StorageError).code).to.equal('locked');
      expect(((await rejectionOf(second.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' }))) as StorageError).code).to.equal('locked');
      const raw = JSON.stringify(await rawRecords(name));
      const wrong = await rejectionOf(second.unlock('inte den rätta frasen'));
      expect((wrong as ProtectionError).code).to.equal('wrong-passphrase');
      expect(JSON.stringify(await rawRecords(name))).to.equal(raw);
      expect(await second.protection()).to.equal('locked');

      await second.unlock(PASS);
      expect((await second.getClient('c1'))?.code).to.equal(`${CANARY}-code`);
      second.lock();
      expect(((await rejectionOf(second.getClient('c1'))) as StorageError).code).to.equal('locked');
    });

    it('opens with a second passphrase, and after a change of passphrase with the new one only', async () => {
      const name = uniqueName();
      const store = await open({ name });
      await withCanaries(store);
      await store.enableEncryption(PASS);
      await store.addPassphrase(PASS, 'reservfras för enheten', { label: 'recovery' });
      await store.changePassphrase(PASS, 'ny lösenfras för 2027');
      expect((await store.passphraseSlots()).map((s) => s.label)).to.deep.equal(['unit', 'recovery']);
      store.close();
      for (const [phrase, opens] of [[PASS, false], ['reservfras för enheten', true], ['ny lösenfras för 2027', true]] as const) {
        const again = await open({ name });
        const error = await again.unlock(phrase).then(() => undefined, (e: unknown) => e);
        expect(error === undefined).to.equal(opens);
        if (opens) expect((await again.getAnswers('i1')).length).to.equal(2);
        again.close();
      }
    });

    it('leaves every record in plaintext when turning encryption on fails half-way', async () => {
      const name = uniqueName();
      const store = await open({ name });
      await withCanaries(store);
      const raw = JSON.stringify(await rawRecords(name));
      let puts = 0;
      patch(IDBObjectStore.prototype, 'put', (put) =>
        function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          // Fail after some records of the migration have been written, as a crash would.
          if (this.name === 'answers' && ++puts === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return put.apply(this, args);
        },
      );
      expect(((await rejectionOf(store.enableEncryption(PASS))) as StorageError).code).to.equal('quota');
      restore.pop()!();
      expect(JSON.stringify(await rawRecords(name))).to.equal(raw);
      expect(await store.protection()).to.equal('plain');
      expect((await store.getAnswers('i1')).length).to.equal(2);
    });

    it('refuses a plaintext record slipped into an encrypted store, and a forged re-hashed chain', async () => {
      const name = uniqueName();
      const store = await open({ name });
      await withCanaries(store);
      await store.enableEncryption(PASS);
      await rawEdits(indexedDB, () => name).forgeChain('i1', 1);
      const report = await store.verifyInterview('i1');
      expect(report.ok).to.be.false;
      expect(report.firstBadEvent).to.equal(1);
      expect(((await rejectionOf(store.getAuditLog('i1'))) as StorageError).code).to.equal('integrity');
    });
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
      // It gives up rather than hanging; the upper bound is loose because timers run late on a loaded machine.
      expect(waited >= 1900 && waited < 15000).to.be.true;
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
