// Raw edits of an IndexedDB store behind its back, as someone holding the profile's database files could make them.
import { wrap } from 'idb';
import { sealEvents } from '../../src/core/storage/audit-chain.js';
import type { AuditEvent } from '../../src/core/storage/types.js';

type Raw = Record<string, unknown> & { sealed?: { iv: Uint8Array; data: ArrayBuffer } };

async function withDb<T>(factory: IDBFactory, name: string, body: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db = (await wrap(factory.open(name))) as unknown as IDBDatabase;
  try {
    return await body(db);
  } finally {
    db.close();
  }
}

const request = <T>(r: IDBRequest<T>) => wrap(r) as unknown as Promise<T>;

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

/** A sealed payload with one byte flipped: what a disk error or a crude edit of the file does. */
function flipped(record: Raw): Raw {
  const data = new Uint8Array(record.sealed!.data.slice(0));
  data[Math.floor(data.length / 2)]! ^= 0x20;
  return { ...record, sealed: { iv: record.sealed!.iv, data: data.buffer } };
}

async function eventsOf(db: IDBDatabase, interviewId: string): Promise<{ key: IDBValidKey; value: Raw }[]> {
  const tx = db.transaction('audit');
  const index = tx.objectStore('audit').index('byInterview');
  const [keys, values] = await Promise.all([request(index.getAllKeys(interviewId)), request(index.getAll(interviewId))]);
  return keys.map((key, i) => ({ key, value: values[i] as Raw }));
}

export interface RawEdits {
  tamperEvent(interviewId: string, index: number): Promise<void>;
  deleteLastEvent(interviewId: string): Promise<void>;
  editAnswer(interviewId: string, itemId: string): Promise<void>;
  /** Alters event `index` and re-hashes the chain from there on, and the interview's recorded tip, without the key. */
  forgeChain(interviewId: string, index: number): Promise<void>;
  /** Swaps the stored payloads of two answers of an interview. */
  swapAnswers(interviewId: string, a: string, b: string): Promise<void>;
}

export function rawEdits(factory: IDBFactory, name: () => string): RawEdits {
  return {
    tamperEvent: (interviewId, index) =>
      withDb(factory, name(), async (db) => {
        const { value } = (await eventsOf(db, interviewId))[index]!;
        const tx = db.transaction('audit', 'readwrite');
        tx.objectStore('audit').put(value.sealed ? flipped(value) : { ...value, new: 'tampered' });
        await done(tx);
      }),
    deleteLastEvent: (interviewId) =>
      withDb(factory, name(), async (db) => {
        const last = (await eventsOf(db, interviewId)).at(-1)!;
        const tx = db.transaction('audit', 'readwrite');
        tx.objectStore('audit').delete(last.key);
        await done(tx);
      }),
    editAnswer: (interviewId, itemId) =>
      withDb(factory, name(), async (db) => {
        const value = (await request(db.transaction('answers').objectStore('answers').get([interviewId, itemId]))) as Raw;
        const tx = db.transaction('answers', 'readwrite');
        tx.objectStore('answers').put(value.sealed ? flipped(value) : { ...value, value: 99 });
        await done(tx);
      }),
    forgeChain: (interviewId, index) =>
      withDb(factory, name(), async (db) => {
        const stored = await eventsOf(db, interviewId);
        const interview = (await request(db.transaction('interviews').objectStore('interviews').get(interviewId))) as Raw;
        // Without the key a forger can only write plain events: in an encrypted store fabricated ones (the real ones
        // cannot be read), in a plaintext store the real ones altered, the chain re-hashed in full.
        const sealed = stored.some(({ value }) => value.sealed);
        const plain = stored.map(({ value }) => value as unknown as AuditEvent);
        const fabricated = { interviewId, type: 'answer' as const, itemId: 'A1', old: null, new: 'forged', at: '2026-01-01T10:00:00.000+01:00', actor: 'IV' };
        const drafts = sealed
          ? plain.map(() => fabricated)
          : plain.map(({ seq: _s, prevHash: _p, hash: _h, ...d }, i) => (i === index ? { ...d, new: 'forged' } : d));
        const prev = index === 0 || sealed ? '' : plain[index - 1]!.hash;
        const forged = await sealEvents(drafts.slice(index) as never, prev);
        const tx = db.transaction(['audit', 'interviews'], 'readwrite');
        forged.forEach((event, k) => tx.objectStore('audit').put({ ...event, seq: stored[index + k]!.key, interviewId }));
        if (!interview.sealed) tx.objectStore('interviews').put({ ...interview, chain: { count: stored.length, hash: forged.at(-1)!.hash } });
        await done(tx);
      }),
    swapAnswers: (interviewId, a, b) =>
      withDb(factory, name(), async (db) => {
        const store = db.transaction('answers').objectStore('answers');
        const [ra, rb] = (await Promise.all([request(store.get([interviewId, a])), request(store.get([interviewId, b]))])) as Raw[];
        const tx = db.transaction('answers', 'readwrite');
        if (ra!.sealed) {
          tx.objectStore('answers').put({ ...ra, sealed: rb!.sealed });
          tx.objectStore('answers').put({ ...rb, sealed: ra!.sealed });
        } else {
          tx.objectStore('answers').put({ ...ra, value: rb!.value });
          tx.objectStore('answers').put({ ...rb, value: ra!.value });
        }
        await done(tx);
      }),
  };
}
