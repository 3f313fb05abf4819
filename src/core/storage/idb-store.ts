// IndexedDB InterviewStore: versioned schema, strict-durability writes sealed with their audit events, reconnect on loss.
import { unwrap, wrap } from 'idb';
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { nowWithOffset, sealEvents, verifyChain } from './audit-chain.js';
import type {
  AnswerChange,
  AnswerRecord,
  AuditEvent,
  ClientRecord,
  InterviewRecord,
  InterviewStore,
  ImportMode,
  SaveOptions,
  ScoreRecord,
  StoreRecords,
} from './types.js';
import { StorageError } from './types.js';
import {
  alreadyStored,
  checkImportedChains,
  danglingImport,
  importReferences,
  newestFirst,
  notFound,
  planWrite,
  serialized,
  toStorageError,
  validateImport,
  validateWrite,
  withoutSeq,
} from './write-plan.js';

interface Schema extends DBSchema {
  clients: { key: string; value: ClientRecord };
  interviews: { key: string; value: InterviewRecord; indexes: { byClient: string } };
  answers: { key: [string, string]; value: AnswerRecord; indexes: { byInterview: string } };
  audit: { key: number; value: AuditEvent; indexes: { byInterview: string } };
  scores: { key: [string, string]; value: ScoreRecord; indexes: { byInterview: string } };
  meta: { key: string; value: unknown };
}
type Db = IDBPDatabase<Schema>;
type Store = StoreNames<Schema>;
type UpgradeTx = IDBPTransaction<Schema, Store[], 'versionchange'>;

/**
 * `migrations[v]` takes a version-v database to v + 1. Released steps are never edited, only appended to, so every
 * stored database walks the same path; they run in the one upgrade transaction, so a crash leaves it wholly old.
 */
const migrations: ReadonlyArray<(db: Db, tx: UpgradeTx) => void> = [
  (db) => {
    db.createObjectStore('clients', { keyPath: 'id' });
    db.createObjectStore('interviews', { keyPath: 'id' }).createIndex('byClient', 'clientId');
    db.createObjectStore('answers', { keyPath: ['interviewId', 'itemId'] }).createIndex('byInterview', 'interviewId');
    db.createObjectStore('audit', { keyPath: 'seq', autoIncrement: true }).createIndex('byInterview', 'interviewId');
    db.createObjectStore('scores', { keyPath: ['interviewId', 'scoreId'] }).createIndex('byInterview', 'interviewId');
    db.createObjectStore('meta');
  },
];
export const DB_VERSION = migrations.length;

const DEFAULT_NAME = 'asi-interview';
const BLOCKED_TIMEOUT_MS = 2000;

export interface IdbStoreOptions {
  name?: string;
  now?: () => Date;
  /** Called after another tab asked to upgrade the database and this store closed its connection: ask for a reload. */
  onVersionChange?: () => void;
  /** Defaults to `globalThis.indexedDB`; tests pass fake-indexeddb's. */
  factory?: IDBFactory;
}

interface ConnectionEvents {
  versionChange(db: Db): void;
  terminated(db: Db): void;
}

/**
 * idb's `openDB` always uses the global `indexedDB`, so this is the same open with a chosen factory: migrations on
 * upgrade, `versionchange` (idb's `blocking`) and `close` (idb's `terminated`) wired to the store.
 */
function openDatabase(factory: IDBFactory, name: string, on: ConnectionEvents): Promise<Db> {
  const request = factory.open(name, DB_VERSION);
  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as unknown as Db;
    const tx = wrap(request.transaction!) as unknown as UpgradeTx;
    for (let version = event.oldVersion; version < DB_VERSION; version++) migrations[version]!(db, tx);
  });
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gaveUp = false;
    request.addEventListener('blocked', () => {
      timer ??= setTimeout(() => {
        gaveUp = true;
        reject(new StorageError('blocked', 'Close other tabs of this app to finish upgrading the database'));
      }, BLOCKED_TIMEOUT_MS);
    });
    (wrap(request) as Promise<unknown> as Promise<Db>).then(
      (db) => {
        clearTimeout(timer);
        // Nobody will use a connection that arrived after we gave up, and left open it would block the next upgrade.
        if (gaveUp) return db.close();
        db.addEventListener('versionchange', () => on.versionChange(db));
        db.addEventListener('close', () => on.terminated(db));
        resolve(db);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * One strict-durability readwrite transaction that resolves only once committed. Requests are awaited one by one so
 * that a failing request never leaves an unobserved rejection; any failure aborts, so nothing partial is written.
 */
async function inWriteTx<Names extends Store[], T>(
  db: Db,
  stores: Names,
  body: (tx: IDBPTransaction<Schema, Names, 'readwrite'>) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(stores, 'readwrite', { durability: 'strict' });
  try {
    const result = await body(tx);
    await tx.done;
    return result;
  } catch (error) {
    tx.done.catch(() => undefined);
    try {
      tx.abort();
    } catch {
      // Already aborted by the failure itself.
    }
    throw error;
  }
}

type SaveTx<Mode extends IDBTransactionMode> = IDBPTransaction<Schema, ('answers' | 'audit' | 'interviews')[], Mode>;

/** The hash the interview's next audit event chains onto. */
async function lastHash<Mode extends IDBTransactionMode>(tx: SaveTx<Mode>, interviewId: string): Promise<string> {
  const cursor = await tx.objectStore('audit').index('byInterview').openCursor(interviewId, 'prev');
  return cursor?.value.hash ?? '';
}

export class IdbInterviewStore implements InterviewStore {
  readonly name: string;
  private readonly now: () => Date;
  private readonly factory: IDBFactory;
  private readonly onVersionChange: (() => void) | undefined;
  private state: 'open' | 'closed' | 'superseded' = 'open';
  private connecting: Promise<Db> | undefined;
  private db: Db | undefined;
  private readonly writes = serialized();

  constructor(options: IdbStoreOptions = {}) {
    this.name = options.name ?? DEFAULT_NAME;
    this.now = options.now ?? (() => new Date());
    this.factory = options.factory ?? globalThis.indexedDB;
    this.onVersionChange = options.onVersionChange;
  }

  /** Test hook: the live connection, so browser tests can close it behind the store's back. Not for application code. */
  get connection(): IDBDatabase | undefined {
    return this.db && unwrap(this.db);
  }

  /** Resolves once the database is open (created or upgraded if need be). */
  ready(): Promise<void> {
    return this.run(async () => undefined);
  }

  private unusable(): StorageError | undefined {
    if (this.state === 'closed') return new StorageError('closed', 'This store has been closed.');
    if (this.state === 'superseded') {
      return new StorageError('closed', 'Another tab has upgraded the database: reload this page to continue.');
    }
    return undefined;
  }

  private connect(): Promise<Db> {
    const unusable = this.unusable();
    if (unusable) return Promise.reject(unusable);
    if (!this.connecting) {
      const connecting = openDatabase(this.factory, this.name, {
        versionChange: (db) => {
          db.close();
          this.forget(db);
          this.state = 'superseded';
          this.onVersionChange?.();
        },
        terminated: (db) => this.forget(db),
      });
      this.connecting = connecting;
      connecting.then(
        (db) => {
          if (this.state !== 'open') db.close();
          else if (this.connecting === connecting) this.db = db;
        },
        () => {
          if (this.connecting === connecting) this.connecting = undefined;
        },
      );
    }
    return this.connecting;
  }

  private forget(db: Db): void {
    if (this.db !== db) return;
    this.db = undefined;
    this.connecting = undefined;
  }

  /** Runs `op`; if the connection turns out lost (closed by the browser, or under memory pressure) reopens once and retries once. */
  private async run<T>(op: (db: Db) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const db = await this.connect().catch((error: unknown) => {
        throw attempt === 0 ? toStorageError(error) : lostError(error);
      });
      try {
        return await op(db);
      } catch (error) {
        const lost = (error as { name?: unknown } | null)?.name === 'InvalidStateError' || this.db !== db;
        if (!lost) throw toStorageError(error);
        this.forget(db);
        const unusable = this.unusable();
        if (unusable) throw unusable;
        if (attempt > 0) throw lostError(error);
      }
    }
  }

  private async write(interviewId: string, changes: AnswerChange[], options: SaveOptions): Promise<InterviewRecord> {
    validateWrite(changes, options);
    return this.writes(() =>
      this.run(async (db) => {
        for (let attempt = 0; attempt < 2; attempt++) {
          const updated = await this.writeOnce(db, interviewId, changes, options);
          if (updated) return updated;
        }
        throw new StorageError('aborted', 'Another tab was saving this interview at the same moment, so this change was not saved. Try again.');
      }),
    );
  }

  /** One read-seal-write pass; `undefined` when another writer (another tab) got in between and it must be redone. */
  private async writeOnce(db: Db, interviewId: string, changes: AnswerChange[], options: SaveOptions) {
    // Sealing awaits crypto, which would close a transaction: read and seal first, then write in a fresh one.
    const read = db.transaction(['answers', 'audit', 'interviews']);
    // Only the answers this write touches: reading all of them made every write grow with the interview (O(n²) overall).
    const touched = [...new Set(changes.map((c) => c.itemId))];
    const [interview, found, prevHash] = await Promise.all([
      read.objectStore('interviews').get(interviewId),
      Promise.all(touched.map((itemId) => read.objectStore('answers').get([interviewId, itemId]))),
      lastHash(read, interviewId),
    ]);
    const answers = found.filter((a): a is AnswerRecord => a !== undefined);
    if (!interview) throw notFound(interviewId);
    const plan = planWrite(interview, answers, changes, options, nowWithOffset(this.now()));
    const events = await sealEvents(plan.drafts, prevHash);

    return inWriteTx(db, ['answers', 'audit', 'interviews'], async (tx) => {
      if ((await lastHash(tx, interviewId)) !== prevHash) return undefined;
      const fresh = await tx.objectStore('interviews').get(interviewId);
      if (!fresh) throw notFound(interviewId);
      for (const record of plan.puts) await tx.objectStore('answers').put(record);
      for (const itemId of plan.deletes) await tx.objectStore('answers').delete([interviewId, itemId]);
      for (const event of events) await tx.objectStore('audit').add(event);
      const record = { ...fresh, ...plan.patch };
      await tx.objectStore('interviews').put(record);
      return record;
    });
  }

  putClient(client: ClientRecord): Promise<void> {
    return this.run((db) => inWriteTx(db, ['clients'], async (tx) => void (await tx.objectStore('clients').put(client))));
  }
  getClient(id: string): Promise<ClientRecord | undefined> {
    return this.run((db) => db.get('clients', id));
  }
  listClients(): Promise<ClientRecord[]> {
    return this.run((db) => db.getAll('clients'));
  }

  createInterview(interview: InterviewRecord): Promise<void> {
    return this.run((db) => inWriteTx(db, ['interviews'], async (tx) => void (await tx.objectStore('interviews').add(interview))));
  }
  getInterview(id: string): Promise<InterviewRecord | undefined> {
    return this.run((db) => db.get('interviews', id));
  }
  async listInterviews(filter: { clientId?: string } = {}): Promise<InterviewRecord[]> {
    const { clientId } = filter;
    const all = await this.run((db) =>
      clientId === undefined ? db.getAll('interviews') : db.getAllFromIndex('interviews', 'byClient', clientId),
    );
    return all.sort(newestFirst);
  }
  updateInterview(id: string, patch: SaveOptions['interview'], options: { actor: string; reason?: string }): Promise<InterviewRecord> {
    // The record was built around the caller's patch: hand back a copy, as every other read does.
    return this.write(id, [], { ...options, ...(patch && { interview: patch }) }).then((record) => structuredClone(record));
  }

  async saveAnswers(interviewId: string, changes: AnswerChange[], options: SaveOptions): Promise<void> {
    await this.write(interviewId, changes, options);
  }
  getAnswers(interviewId: string): Promise<AnswerRecord[]> {
    return this.run((db) => db.getAllFromIndex('answers', 'byInterview', interviewId));
  }

  getAuditLog(interviewId: string): Promise<AuditEvent[]> {
    return this.run((db) => db.getAllFromIndex('audit', 'byInterview', interviewId));
  }
  async verifyAuditLog(interviewId: string): Promise<{ ok: true } | { ok: false; brokenAt: number }> {
    return verifyChain(await this.getAuditLog(interviewId));
  }

  putScores(interviewId: string, scores: ScoreRecord[]): Promise<void> {
    if (scores.some((s) => s.interviewId !== interviewId)) {
      return Promise.reject(new StorageError('invalid', 'A score belongs to another interview.'));
    }
    return this.run((db) =>
      inWriteTx(db, ['interviews', 'scores'], async (tx) => {
        if (!(await tx.objectStore('interviews').getKey(interviewId))) throw notFound(interviewId);
        for (const score of scores) await tx.objectStore('scores').put(score);
      }),
    );
  }
  getScores(interviewId: string): Promise<ScoreRecord[]> {
    return this.run((db) => db.getAllFromIndex('scores', 'byInterview', interviewId));
  }

  importRecords(records: StoreRecords, options: { mode?: ImportMode } = {}): Promise<void> {
    const mode = options.mode ?? 'add';
    try {
      validateImport(records);
    } catch (error) {
      return Promise.reject(error);
    }
    const refs = importReferences(records);
    const chained = [...new Set(records.audit.map((e) => e.interviewId))];
    return this.writes(() =>
      this.run((db) =>
        inWriteTx(db, ['clients', 'interviews', 'answers', 'audit', 'scores'], async (tx) => {
          for (const id of refs.clientIds) if ((await tx.objectStore('clients').getKey(id)) === undefined) throw danglingImport('client', id);
          for (const id of refs.interviewIds) {
            if ((await tx.objectStore('interviews').getKey(id)) === undefined) throw danglingImport('interview', id);
          }
          const tips = new Map<string, string>();
          for (const id of chained) {
            const cursor = await tx.objectStore('audit').index('byInterview').openCursor(id, 'prev');
            tips.set(id, cursor?.value.hash ?? '');
          }
          checkImportedChains(records.audit, tips);

          // 'add' relies on IndexedDB's own key check: a stored key fails the request and so the whole transaction.
          const write = async <T>(request: Promise<T>, what: () => string) => {
            try {
              return await request;
            } catch (error) {
              throw (error as { name?: unknown } | null)?.name === 'ConstraintError' ? alreadyStored(what(), error) : error;
            }
          };
          const add = mode === 'add';
          for (const c of records.clients) {
            await write(add ? tx.objectStore('clients').add(c) : tx.objectStore('clients').put(c), () => `Client ${c.id}`);
          }
          for (const i of records.interviews) {
            await write(add ? tx.objectStore('interviews').add(i) : tx.objectStore('interviews').put(i), () => `Interview ${i.id}`);
            if (!add) {
              // Replacing an interview replaces its whole state, so answers and scores the import lacks must go.
              for (const key of await tx.objectStore('answers').index('byInterview').getAllKeys(i.id)) await tx.objectStore('answers').delete(key);
              for (const key of await tx.objectStore('scores').index('byInterview').getAllKeys(i.id)) await tx.objectStore('scores').delete(key);
            }
          }
          for (const a of records.answers) {
            const what = () => `The answer to ${a.itemId} in interview ${a.interviewId}`;
            await write(add ? tx.objectStore('answers').add(a) : tx.objectStore('answers').put(a), what);
          }
          for (const e of records.audit) await tx.objectStore('audit').add(withoutSeq(e));
          for (const x of records.scores) {
            const what = () => `Score ${x.scoreId} of interview ${x.interviewId}`;
            await write(add ? tx.objectStore('scores').add(x) : tx.objectStore('scores').put(x), what);
          }
        }),
      ),
    );
  }

  exportRecords(): Promise<StoreRecords> {
    return this.run(async (db) => {
      const tx = db.transaction(['clients', 'interviews', 'answers', 'audit', 'scores']);
      const [clients, interviews, answers, audit, scores] = await Promise.all([
        tx.objectStore('clients').getAll(),
        tx.objectStore('interviews').getAll(),
        tx.objectStore('answers').getAll(),
        tx.objectStore('audit').getAll(),
        tx.objectStore('scores').getAll(),
      ]);
      return { clients, interviews, answers, audit, scores };
    });
  }

  close(): void {
    this.state = 'closed';
    this.db?.close();
    this.db = undefined;
    this.connecting = undefined;
  }
}

const lostError = (cause: unknown) =>
  new StorageError('closed', 'The connection to local storage was lost and could not be restored, so the last change was not saved. Reload the page.', cause);

/** Opens (creating or upgrading) the database; rejects with code 'blocked' if another tab holds up an upgrade for 2 s. */
export async function openIdbStore(options: IdbStoreOptions = {}): Promise<IdbInterviewStore> {
  const store = new IdbInterviewStore(options);
  await store.ready();
  return store;
}

/** Deletes a store's database (tests, and a user's explicit "wipe local data"). Close the store first. */
export async function deleteIdbStore(name: string, factory: IDBFactory = globalThis.indexedDB): Promise<void> {
  await wrap(factory.deleteDatabase(name));
}
