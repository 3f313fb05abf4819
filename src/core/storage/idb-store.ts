// IndexedDB InterviewStore: versioned schema, strict-durability writes with their audit events, optional encryption at rest.
import { unwrap, wrap } from 'idb';
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { ProtectionError } from '../protection/errors.js';
import { addPassphrase, changePassphrase, createUnitKey, removePassphrase, unlockUnitKey } from '../protection/unit-key.js';
import type { NewKeyOptions, ProtectionHeader, UnitKey } from '../protection/unit-key.js';
import { linkContent, nowWithOffset, sealEvents, verifyChain, type AuditDraft } from './audit-chain.js';
import { PLAIN_CODEC, sealedCodec, type RecordCodec, type RecordStore } from './codec.js';
import { EMPTY_TIP, acknowledgementDrafts, checkInterview, type ChainTip, type IntegrityProblem, type IntegrityReport } from './integrity.js';
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

/** An interview as stored: the public record plus where its audit chain ended and a revision for optimistic writes. */
type StoredInterview = InterviewRecord & { chain?: ChainTip; rev?: number };
/** An audit event as stored; `n` (its place in the interview's chain) and `link` (keyed) only in an encrypted store. */
type StoredEvent = AuditEvent & { n?: number; link?: string };

interface Schema extends DBSchema {
  clients: { key: string; value: ClientRecord };
  interviews: { key: string; value: StoredInterview; indexes: { byClient: string } };
  answers: { key: [string, string]; value: AnswerRecord; indexes: { byInterview: string } };
  audit: { key: number; value: StoredEvent; indexes: { byInterview: string } };
  scores: { key: [string, string]; value: ScoreRecord; indexes: { byInterview: string } };
  meta: { key: string; value: unknown };
}
type Db = IDBPDatabase<Schema>;
type Store = StoreNames<Schema>;
type UpgradeTx = IDBPTransaction<Schema, Store[], 'versionchange'>;

/** The `meta` record naming this database: written once at creation, so an emptied or replaced store can be told apart. */
export interface StoreMarker {
  id: string;
  createdAt: string;
}

/**
 * `migrations[v]` takes a version-v database to v + 1. Released steps are never edited, only appended to, so every
 * stored database walks the same path; they run in the one upgrade transaction, so a crash leaves it wholly old.
 * A step may await IndexedDB requests only (anything else would let the upgrade transaction commit half-way).
 */
const migrations: ReadonlyArray<(db: Db, tx: UpgradeTx) => void | Promise<void>> = [
  (db) => {
    db.createObjectStore('clients', { keyPath: 'id' });
    db.createObjectStore('interviews', { keyPath: 'id' }).createIndex('byClient', 'clientId');
    db.createObjectStore('answers', { keyPath: ['interviewId', 'itemId'] }).createIndex('byInterview', 'interviewId');
    db.createObjectStore('audit', { keyPath: 'seq', autoIncrement: true }).createIndex('byInterview', 'interviewId');
    db.createObjectStore('scores', { keyPath: ['interviewId', 'scoreId'] }).createIndex('byInterview', 'interviewId');
    db.createObjectStore('meta');
  },
  // v2: each interview records where its audit chain ends (a removed last event is noticed) and a revision; the
  // database gets its marker. Encryption at rest needs both: sealed events cannot be read without the key.
  async (_db, tx) => {
    const tips = new Map<string, ChainTip>();
    for (let cursor = await tx.objectStore('audit').openCursor(); cursor; cursor = await cursor.continue()) {
      const tip = tips.get(cursor.value.interviewId) ?? EMPTY_TIP;
      tips.set(cursor.value.interviewId, { count: tip.count + 1, hash: cursor.value.hash });
    }
    for (let cursor = await tx.objectStore('interviews').openCursor(); cursor; cursor = await cursor.continue()) {
      await cursor.update({ ...cursor.value, chain: tips.get(cursor.value.id) ?? EMPTY_TIP, rev: 0 });
    }
    if ((await tx.objectStore('meta').get('store')) === undefined) {
      const marker: StoreMarker = { id: globalThis.crypto.randomUUID(), createdAt: nowWithOffset() };
      await tx.objectStore('meta').put(marker, 'store');
    }
  },
];
export const DB_VERSION = migrations.length;

/** What a unit sets for its store; none of it is clinical data. */
export interface UnitSettings {
  /** Minutes without input after which an encrypted store locks (the app's idle lock). */
  lockAfterMinutes: number;
  /** Days after which the app reminds that the last backup is old. */
  backupReminderDays: number;
  /** When the last backup of everything was exported (ISO 8601 with offset). */
  lastBackupAt?: string;
}
export const DEFAULT_SETTINGS: UnitSettings = { lockAfterMinutes: 15, backupReminderDays: 7 };
const SETTINGS_KEY = 'settings';

const DEFAULT_NAME = 'asi-interview';
const BLOCKED_TIMEOUT_MS = 2000;
const PROTECTION_KEY = 'protection';

export interface IdbStoreOptions {
  name?: string;
  now?: () => Date;
  /** Called after another tab asked to upgrade the database and this store closed its connection: ask for a reload. */
  onVersionChange?: () => void;
  /** Defaults to `globalThis.indexedDB`; tests pass fake-indexeddb's. */
  factory?: IDBFactory;
}

/** Whether records are encrypted at rest, and if so whether this store holds the unlocked key. */
export type ProtectionState = 'plain' | 'locked' | 'unlocked';

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
    let steps = Promise.resolve();
    for (let version = event.oldVersion; version < DB_VERSION; version++) steps = steps.then(() => migrations[version]!(db, tx));
    // A failed step aborts the whole upgrade: the database stays at its old version with every record as it was.
    steps.catch(() => {
      try {
        tx.abort();
      } catch {
        // Already aborted.
      }
    });
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

/**
 * Audit events as stored, appended to their interviews' chains (`tips`, advanced in place): in an encrypted store each
 * gets its place in the chain and its keyed link and is sealed; in a plaintext one it is stored as it is.
 */
async function eventsAtRest(codec: RecordCodec, events: readonly AuditEvent[], tips: Map<string, ChainTip>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (const event of events) {
    const tip = tips.get(event.interviewId) ?? EMPTY_TIP;
    const link = codec.link ? await codec.link(tip.link ?? '', linkContent(event)) : undefined;
    tips.set(event.interviewId, { count: tip.count + 1, hash: event.hash, ...(link !== undefined ? { link } : {}) });
    out.push(link === undefined ? event : await codec.encode('audit', { ...event, n: tip.count, link }));
  }
  return out;
}

const publicInterview = ({ chain: _chain, rev: _rev, ...record }: StoredInterview): InterviewRecord => record;
const publicEvent = ({ n: _n, link: _link, ...event }: StoredEvent): AuditEvent => event;

/** One interview's records decoded, with whatever could not be opened. */
interface InterviewRead {
  interview?: StoredInterview;
  events: AuditEvent[];
  atRest: StoredEvent[];
  answers: AnswerRecord[];
  unreadable: IntegrityProblem[];
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
  /** The encryption header as last read (null: plaintext store); read once per connection. */
  private header: ProtectionHeader | null | undefined;
  /** How records are written and read: plain, or sealed under the unlocked key; undefined while locked. */
  private codec: RecordCodec | undefined;

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
        // A passphrase that is wrong or too short is the caller's to show as such, not a storage failure.
        if (error instanceof ProtectionError && error.code !== 'integrity' && error.code !== 'locked') throw error;
        const lost = (error as { name?: unknown } | null)?.name === 'InvalidStateError' || this.db !== db;
        if (!lost) throw toStorageError(error);
        this.forget(db);
        const unusable = this.unusable();
        if (unusable) throw unusable;
        if (attempt > 0) throw lostError(error);
      }
    }
  }

  // ---- protection ------------------------------------------------------------------------------------------------

  private async readHeader(db: Db): Promise<ProtectionHeader | null> {
    if (this.header === undefined) {
      this.header = ((await db.get('meta', PROTECTION_KEY)) as ProtectionHeader | undefined) ?? null;
      if (this.header === null) this.codec = PLAIN_CODEC;
    }
    return this.header;
  }

  /** Runs `op` with the codec records are read and written with; a locked store refuses with code 'locked'. */
  private withCodec<T>(op: (db: Db, codec: RecordCodec) => Promise<T>): Promise<T> {
    return this.run(async (db) => {
      await this.readHeader(db);
      if (!this.codec) throw new StorageError('locked', 'Local data is encrypted and locked: unlock it with the unit\'s passphrase first.');
      return op(db, this.codec);
    });
  }

  /**
   * Inside every write: the encryption settings must still be the ones this store writes with. Another tab that turned
   * encryption on (or this store having been locked) makes the write fail rather than put plaintext into an encrypted store.
   */
  private async checkSettings(tx: IDBPTransaction<Schema, Store[], 'readwrite'>, codec: RecordCodec): Promise<void> {
    const header = (await tx.objectStore('meta').get(PROTECTION_KEY)) as ProtectionHeader | undefined;
    const written = header?.keyId ?? null;
    const expected = this.header?.keyId ?? null;
    if (written !== expected || codec !== this.codec) {
      throw new StorageError('closed', 'The encryption settings of local data were changed in another tab, so nothing was saved. Reload this page.');
    }
  }

  /** 'plain' (not encrypted), 'locked' (encrypted, passphrase needed) or 'unlocked'. */
  async protection(): Promise<ProtectionState> {
    return this.run(async (db) => {
      const header = await this.readHeader(db);
      return header === null ? 'plain' : this.codec ? 'unlocked' : 'locked';
    });
  }

  /** The passphrase slots (no secrets: id, label, iterations and when made), for a settings page. */
  async passphraseSlots(): Promise<{ id: string; label: string; iterations: number; createdAt: string }[]> {
    return this.run(async (db) =>
      ((await this.readHeader(db))?.slots ?? []).map((s) => ({ id: s.id, label: s.label, iterations: s.kdf.iterations, createdAt: s.createdAt })),
    );
  }

  /** Opens the unit key; a wrong passphrase rejects with ProtectionError 'wrong-passphrase' and changes nothing. */
  async unlock(passphrase: string): Promise<void> {
    const header = await this.run((db) => this.readHeader(db));
    if (header === null) return;
    const key = await unlockUnitKey(header, passphrase);
    this.codec = sealedCodec(key);
  }

  /** Forgets the key (idle time, or on demand): every read and write refuses with 'locked' until unlocked again. */
  lock(): void {
    if (this.header) this.codec = undefined;
  }

  /**
   * Turns encryption on: a new unit key with one passphrase slot, and every record sealed in place, in one
   * transaction. A crash or any failure before it commits leaves the store wholly plaintext, as it was.
   */
  async enableEncryption(passphrase: string | { header: ProtectionHeader; key: UnitKey }, options: NewKeyOptions = {}): Promise<void> {
    return this.writes(() =>
      this.run(async (db) => {
        if ((await this.readHeader(db)) !== null) throw new StorageError('invalid', 'Local data is already encrypted.');
        // A key made beforehand (createUnitKey) may be given instead of a passphrase: PBKDF2 then runs only once.
        const { header, key } = typeof passphrase === 'string' ? await createUnitKey(passphrase, options) : passphrase;
        const codec = sealedCodec(key);
        const names = ['clients', 'interviews', 'answers', 'audit', 'scores'] as const;
        const read = db.transaction([...names]);
        const before = await Promise.all(names.map((n) => read.objectStore(n).getAll() as unknown as Promise<Record<string, unknown>[]>));
        const sealed = await this.sealAll(codec, names, before);
        await inWriteTx(db, [...names, 'meta'], async (tx) => {
          if ((await tx.objectStore('meta').get(PROTECTION_KEY)) !== undefined) throw new StorageError('invalid', 'Local data is already encrypted.');
          for (const [i, n] of names.entries()) {
            // Another tab may have written since the read: then this would lose its change, so give up and let the user retry.
            if ((await tx.objectStore(n).count()) !== before[i]!.length) {
              throw new StorageError('aborted', 'Local data changed while it was being encrypted (another tab?), so nothing was changed. Try again.');
            }
            for (const record of sealed[i]!) await (tx.objectStore(n) as unknown as { put(v: unknown): Promise<unknown> }).put(record);
          }
          await tx.objectStore('meta').put(header, PROTECTION_KEY);
        });
        this.header = header;
        this.codec = codec;
      }),
    );
  }

  /** Seals every record read for the migration to encryption; audit events get their place and keyed link. */
  private async sealAll(codec: RecordCodec, names: readonly RecordStore[], before: Record<string, unknown>[][]): Promise<unknown[][]> {
    // Events first (they keep their `seq`, so each replaces itself): the interviews' chain tips then gain the keyed link.
    const tips = new Map<string, ChainTip>();
    const events = await eventsAtRest(codec, before[names.indexOf('audit')] as unknown as AuditEvent[], tips);
    return Promise.all(
      names.map((name, i) => {
        if (name === 'audit') return events;
        const bump = (r: Record<string, unknown>) => ({ ...r, chain: tips.get(r.id as string) ?? EMPTY_TIP, rev: ((r.rev as number) ?? 0) + 1 });
        return Promise.all(before[i]!.map((r) => codec.encode(name, name === 'interviews' ? bump(r) : r)));
      }),
    );
  }

  /** Another passphrase slot (a second staff member, a recovery passphrase); needs a passphrase that opens the key. */
  addPassphrase(passphrase: string, newPassphrase: string, options: NewKeyOptions = {}): Promise<void> {
    return this.updateHeader((header) => addPassphrase(header, passphrase, newPassphrase, options));
  }
  /** Changes the passphrase of the slot `passphrase` opens; the data is not re-encrypted. */
  changePassphrase(passphrase: string, newPassphrase: string, options: NewKeyOptions = {}): Promise<void> {
    return this.updateHeader((header) => changePassphrase(header, passphrase, newPassphrase, options));
  }
  /** Removes a slot, after checking that `passphrase` (of any slot) opens the key; never the last slot. */
  removePassphrase(slotId: string, passphrase: string): Promise<void> {
    return this.updateHeader(async (header) => (await unlockUnitKey(header, passphrase), removePassphrase(header, slotId)));
  }

  private updateHeader(change: (header: ProtectionHeader) => Promise<ProtectionHeader>): Promise<void> {
    return this.writes(() =>
      this.run(async (db) => {
        const header = await this.readHeader(db);
        if (header === null) throw new StorageError('invalid', 'Local data is not encrypted: turn encryption on first.');
        const next = await change(header);
        await inWriteTx(db, ['meta'], async (tx) => {
          const stored = (await tx.objectStore('meta').get(PROTECTION_KEY)) as ProtectionHeader | undefined;
          if (JSON.stringify(stored) !== JSON.stringify(header)) {
            throw new StorageError('aborted', 'The passphrases were changed in another tab at the same time, so nothing was changed. Reload and try again.');
          }
          await tx.objectStore('meta').put(next, PROTECTION_KEY);
        });
        this.header = next;
      }),
    );
  }

  /** The unit's settings for this browser's store (not sensitive; kept in clear in `meta`), with their defaults. */
  async settings(): Promise<UnitSettings> {
    const stored = await this.run(async (db) => (await db.get('meta', SETTINGS_KEY)) as Partial<UnitSettings> | undefined);
    return { ...DEFAULT_SETTINGS, ...stored };
  }

  async updateSettings(patch: Partial<UnitSettings>): Promise<UnitSettings> {
    return this.writes(() =>
      this.run(async (db) =>
        inWriteTx(db, ['meta'], async (tx) => {
          const next = { ...DEFAULT_SETTINGS, ...((await tx.objectStore('meta').get(SETTINGS_KEY)) as Partial<UnitSettings> | undefined), ...patch };
          await tx.objectStore('meta').put(next, SETTINGS_KEY);
          return next;
        }),
      ),
    );
  }

  /** How many clients and interviews are stored; needs no key, so it works while locked (for noticing lost data). */
  async recordCounts(): Promise<{ clients: number; interviews: number }> {
    return this.run(async (db) => {
      const tx = db.transaction(['clients', 'interviews']);
      const [clients, interviews] = await Promise.all([tx.objectStore('clients').count(), tx.objectStore('interviews').count()]);
      return { clients, interviews };
    });
  }

  /** The database's marker (see {@link StoreMarker}); undefined only for a database written by something else. */
  marker(): Promise<StoreMarker | undefined> {
    return this.run(async (db) => (await db.get('meta', 'store')) as StoreMarker | undefined);
  }

  // ---- writes ----------------------------------------------------------------------------------------------------

  private async write(
    interviewId: string,
    changes: AnswerChange[],
    options: SaveOptions,
    extra?: { drafts: (at: string) => AuditDraft[]; tip?: ChainTip },
  ): Promise<InterviewRecord> {
    validateWrite(changes, options);
    return this.writes(() =>
      this.withCodec(async (db, codec) => {
        for (let attempt = 0; attempt < 2; attempt++) {
          const updated = await this.writeOnce(db, codec, interviewId, changes, options, extra);
          if (updated) return updated;
        }
        throw new StorageError('aborted', 'Another tab was saving this interview at the same moment, so this change was not saved. Try again.');
      }),
    );
  }

  /** One read-seal-write pass; `undefined` when another writer (another tab) got in between and it must be redone. */
  private async writeOnce(
    db: Db,
    codec: RecordCodec,
    interviewId: string,
    changes: AnswerChange[],
    options: SaveOptions,
    extra?: { drafts: (at: string) => AuditDraft[]; tip?: ChainTip },
  ): Promise<InterviewRecord | undefined> {
    // Sealing awaits crypto, which would close a transaction: read and seal first, then write in a fresh one.
    const read = db.transaction(['answers', 'interviews']);
    // Only the answers this write touches: reading all of them made every write grow with the interview (O(n²) overall).
    const touched = [...new Set(changes.map((c) => c.itemId))];
    const [atRest, found] = await Promise.all([
      read.objectStore('interviews').get(interviewId),
      Promise.all(touched.map((itemId) => read.objectStore('answers').get([interviewId, itemId]))),
    ]);
    if (!atRest) throw notFound(interviewId);
    const stored = await codec.decode('interviews', atRest);
    const answers = await Promise.all(found.filter((a): a is AnswerRecord => a !== undefined).map((a) => codec.decode('answers', a)));
    const { chain, rev = 0 } = stored;
    const interview = publicInterview(stored);
    const at = nowWithOffset(this.now());
    const plan = planWrite(interview, answers, changes, options, at);
    if (extra) plan.drafts.push(...extra.drafts(at));
    const tip = extra?.tip ?? chain ?? (await this.tipFromLog(db, codec, interviewId));
    const events = await sealEvents(plan.drafts, tip.hash);

    const tips = new Map([[interviewId, tip]]);
    const newEvents = await eventsAtRest(codec, events, tips);
    const nextTip = tips.get(interviewId)!;
    const record: InterviewRecord = { ...interview, ...plan.patch };
    const interviewAtRest = await codec.encode('interviews', { ...record, chain: nextTip, rev: rev + 1 });
    const puts = await Promise.all(plan.puts.map((a) => codec.encode('answers', a)));

    return inWriteTx(db, ['answers', 'audit', 'interviews', 'meta'], async (tx) => {
      const fresh = await tx.objectStore('interviews').get(interviewId);
      if (!fresh) throw notFound(interviewId);
      if ((fresh.rev ?? 0) !== rev) return undefined;
      await this.checkSettings(tx as never, codec);
      for (const answer of puts) await tx.objectStore('answers').put(answer);
      for (const itemId of plan.deletes) await tx.objectStore('answers').delete([interviewId, itemId]);
      for (const event of newEvents) await tx.objectStore('audit').add(event);
      await tx.objectStore('interviews').put(interviewAtRest);
      return record;
    });
  }

  /** Where the chain ends, read from the log itself (an interview record without a tip: written by something else). */
  private async tipFromLog(db: Db, codec: RecordCodec, interviewId: string): Promise<ChainTip> {
    const events = await db.getAllFromIndex('audit', 'byInterview', interviewId);
    const last = events.at(-1);
    if (!last) return EMPTY_TIP;
    const decoded = await codec.decode('audit', last);
    return { count: events.length, hash: decoded.hash, ...(last.link ? { link: last.link } : {}) };
  }

  private putOne<N extends 'clients' | 'interviews'>(name: N, record: Schema[N]['value'], mode: 'put' | 'add'): Promise<void> {
    return this.withCodec(async (db, codec) => {
      const atRest = await codec.encode(name, record);
      await inWriteTx(db, [name, 'meta'], async (tx) => {
        await this.checkSettings(tx as never, codec);
        const store = tx.objectStore(name) as unknown as { put(v: unknown): Promise<unknown>; add(v: unknown): Promise<unknown> };
        await store[mode](atRest);
      });
    });
  }

  putClient(client: ClientRecord): Promise<void> {
    return this.putOne('clients', client, 'put');
  }
  getClient(id: string): Promise<ClientRecord | undefined> {
    return this.withCodec(async (db, codec) => {
      const record = await db.get('clients', id);
      return record && codec.decode('clients', record);
    });
  }
  listClients(): Promise<ClientRecord[]> {
    return this.withCodec(async (db, codec) => Promise.all((await db.getAll('clients')).map((c) => codec.decode('clients', c))));
  }

  createInterview(interview: InterviewRecord): Promise<void> {
    return this.putOne('interviews', { ...interview, chain: EMPTY_TIP, rev: 0 }, 'add');
  }
  getInterview(id: string): Promise<InterviewRecord | undefined> {
    return this.withCodec(async (db, codec) => {
      const record = await db.get('interviews', id);
      return record && publicInterview(await codec.decode('interviews', record));
    });
  }
  async listInterviews(filter: { clientId?: string } = {}): Promise<InterviewRecord[]> {
    const { clientId } = filter;
    const all = await this.withCodec(async (db, codec) => {
      const atRest = clientId === undefined ? await db.getAll('interviews') : await db.getAllFromIndex('interviews', 'byClient', clientId);
      return Promise.all(atRest.map(async (i) => publicInterview(await codec.decode('interviews', i))));
    });
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
    return this.withCodec(async (db, codec) =>
      Promise.all((await db.getAllFromIndex('answers', 'byInterview', interviewId)).map((a) => codec.decode('answers', a))),
    );
  }

  getAuditLog(interviewId: string): Promise<AuditEvent[]> {
    return this.withCodec(async (db, codec) =>
      Promise.all((await db.getAllFromIndex('audit', 'byInterview', interviewId)).map(async (e) => publicEvent(await codec.decode('audit', e)))),
    );
  }
  async verifyAuditLog(interviewId: string): Promise<{ ok: true } | { ok: false; brokenAt: number }> {
    return verifyChain(await this.getAuditLog(interviewId));
  }

  /** Reads one interview's records in one transaction and opens each, collecting what cannot be opened. */
  private async readInterview(db: Db, codec: RecordCodec, interviewId: string): Promise<InterviewRead> {
    const tx = db.transaction(['interviews', 'audit', 'answers']);
    const [interview, atRest, answers] = await Promise.all([
      tx.objectStore('interviews').get(interviewId),
      tx.objectStore('audit').index('byInterview').getAll(interviewId),
      tx.objectStore('answers').index('byInterview').getAll(interviewId),
    ]);
    const unreadable: IntegrityProblem[] = [];
    const open = async <T extends object>(store: RecordStore, record: T, what: string, index?: number): Promise<T | undefined> => {
      try {
        return await codec.decode(store, record);
      } catch (error) {
        if (!(error instanceof ProtectionError)) throw error;
        unreadable.push({ kind: 'unreadable', record: what, message: error.message, ...(index === undefined ? {} : { index }) });
        return undefined;
      }
    };
    const events: AuditEvent[] = [];
    for (const [i, e] of atRest.entries()) {
      const decoded = await open('audit', e, `audit event ${i + 1}`, i);
      if (decoded) events.push(publicEvent(decoded));
    }
    const opened: AnswerRecord[] = [];
    for (const a of answers) {
      const decoded = await open('answers', a, `the answer to ${a.itemId}`);
      if (decoded) opened.push(decoded);
    }
    const decodedInterview = interview && (await open('interviews', interview, `interview ${interviewId}`));
    return { ...(decodedInterview ? { interview: decodedInterview } : {}), events, atRest, answers: opened, unreadable };
  }

  async verifyInterview(interviewId: string): Promise<IntegrityReport> {
    return this.withCodec(async (db, codec) => {
      const read = await this.readInterview(db, codec, interviewId);
      if (read.unreadable.length > 0) {
        const events = read.unreadable.flatMap((p) => (p.kind === 'unreadable' && p.index !== undefined ? [p.index] : []));
        return { interviewId, ok: false, problems: read.unreadable, ...(events.length ? { firstBadEvent: Math.min(...events) } : {}) };
      }
      const keyedBreaks: number[] = [];
      if (codec.link) {
        let previous = '';
        for (const [i, event] of read.atRest.entries()) {
          const expected = await codec.link(previous, linkContent(read.events[i]!));
          if (event.link !== expected || event.n !== i) keyedBreaks.push(i);
          previous = event.link ?? '';
        }
      }
      return checkInterview(interviewId, read.interview?.chain, read.events, read.answers, keyedBreaks);
    });
  }

  async acknowledgeIntegrity(interviewId: string, options: { actor: string; reason?: string }): Promise<IntegrityReport> {
    const report = await this.verifyInterview(interviewId);
    if (report.ok) return report;
    if (report.problems.some((p) => p.kind === 'unreadable')) {
      throw new StorageError('integrity', `Interview ${interviewId} has records that cannot be read; restore it from a backup instead.`);
    }
    const tip = await this.withCodec(async (db, codec) => {
      const read = await this.readInterview(db, codec, interviewId);
      const last = read.atRest.at(-1);
      return { count: read.events.length, hash: read.events.at(-1)?.hash ?? '', ...(last?.link ? { link: last.link } : {}) };
    });
    await this.write(interviewId, [], { actor: options.actor }, { drafts: (at) => acknowledgementDrafts(report, at, options), tip });
    return this.verifyInterview(interviewId);
  }

  putScores(interviewId: string, scores: ScoreRecord[]): Promise<void> {
    if (scores.some((s) => s.interviewId !== interviewId)) {
      return Promise.reject(new StorageError('invalid', 'A score belongs to another interview.'));
    }
    return this.withCodec(async (db, codec) => {
      const atRest = await Promise.all(scores.map((s) => codec.encode('scores', s)));
      await inWriteTx(db, ['interviews', 'scores', 'meta'], async (tx) => {
        if (!(await tx.objectStore('interviews').getKey(interviewId))) throw notFound(interviewId);
        await this.checkSettings(tx as never, codec);
        for (const score of atRest) await tx.objectStore('scores').put(score);
      });
    });
  }
  getScores(interviewId: string): Promise<ScoreRecord[]> {
    return this.withCodec(async (db, codec) =>
      Promise.all((await db.getAllFromIndex('scores', 'byInterview', interviewId)).map((s) => codec.decode('scores', s))),
    );
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
    const importedIds = new Set(records.interviews.map((i) => i.id));
    return this.writes(() =>
      this.withCodec(async (db, codec) => {
        // Everything that needs crypto happens here, before the write transaction: the stored tips and records of
        // interviews whose chains the import continues, then every imported record sealed.
        const read = db.transaction(['interviews']);
        const ids = [...new Set([...chained, ...importedIds])];
        // All reads first: awaiting crypto in between would let the read transaction close.
        const found = await Promise.all(ids.map((id) => read.objectStore('interviews').get(id)));
        const stored = new Map<string, StoredInterview>();
        for (const atRest of found) if (atRest) stored.set(atRest.id, await codec.decode('interviews', atRest));
        const tips = new Map<string, ChainTip>();
        for (const id of chained) tips.set(id, stored.get(id)?.chain ?? (stored.has(id) ? await this.tipFromLog(db, codec, id) : EMPTY_TIP));
        checkImportedChains(records.audit, new Map([...tips].map(([id, tip]) => [id, tip.hash])));

        const events = await eventsAtRest(codec, records.audit.map(withoutSeq), tips);
        // Every interview whose chain grew, imported or stored, is written with its new tip.
        const interviews = new Map<string, StoredInterview>();
        for (const id of chained) {
          const base = stored.get(id);
          if (base && !importedIds.has(id)) interviews.set(id, { ...base, chain: tips.get(id)!, rev: (base.rev ?? 0) + 1 });
        }
        for (const i of records.interviews) {
          const rev = (stored.get(i.id)?.rev ?? -1) + 1;
          interviews.set(i.id, { ...i, chain: tips.get(i.id) ?? stored.get(i.id)?.chain ?? EMPTY_TIP, rev });
        }
        const expectedRev = new Map([...stored].map(([id, s]) => [id, s.rev ?? 0]));
        const encode = <T extends object>(name: RecordStore, list: readonly T[]) => Promise.all(list.map((r) => codec.encode(name, r)));
        const [clients, interviewsAtRest, answers, scores] = await Promise.all([
          encode('clients', records.clients),
          encode('interviews', [...interviews.values()]),
          encode('answers', records.answers),
          encode('scores', records.scores),
        ]);

        await inWriteTx(db, ['clients', 'interviews', 'answers', 'audit', 'scores', 'meta'], async (tx) => {
          await this.checkSettings(tx as never, codec);
          for (const id of refs.clientIds) if ((await tx.objectStore('clients').getKey(id)) === undefined) throw danglingImport('client', id);
          for (const id of refs.interviewIds) {
            if ((await tx.objectStore('interviews').getKey(id)) === undefined) throw danglingImport('interview', id);
          }
          for (const [id, rev] of expectedRev) {
            if (((await tx.objectStore('interviews').get(id))?.rev ?? 0) !== rev) {
              throw new StorageError('aborted', `Interview ${id} was changed while the import was prepared (another tab?), so nothing was imported. Try again.`);
            }
          }

          // 'add' relies on IndexedDB's own key check: a stored key fails the request and so the whole transaction.
          const write = async <T>(request: Promise<T>, what: () => string) => {
            try {
              return await request;
            } catch (error) {
              throw (error as { name?: unknown } | null)?.name === 'ConstraintError' ? alreadyStored(what(), error) : error;
            }
          };
          const add = mode === 'add';
          for (const [k, c] of clients.entries()) {
            await write(add ? tx.objectStore('clients').add(c) : tx.objectStore('clients').put(c), () => `Client ${records.clients[k]!.id}`);
          }
          const interviewList = [...interviews.values()];
          for (const [k, i] of interviewsAtRest.entries()) {
            const id = interviewList[k]!.id;
            const imported = importedIds.has(id);
            await write(add && imported ? tx.objectStore('interviews').add(i) : tx.objectStore('interviews').put(i), () => `Interview ${id}`);
            if (!add && imported) {
              // Replacing an interview replaces its whole state, so answers and scores the import lacks must go.
              for (const key of await tx.objectStore('answers').index('byInterview').getAllKeys(id)) await tx.objectStore('answers').delete(key);
              for (const key of await tx.objectStore('scores').index('byInterview').getAllKeys(id)) await tx.objectStore('scores').delete(key);
            }
          }
          for (const [k, a] of answers.entries()) {
            const { itemId, interviewId } = records.answers[k]!;
            await write(add ? tx.objectStore('answers').add(a) : tx.objectStore('answers').put(a), () => `The answer to ${itemId} in interview ${interviewId}`);
          }
          for (const e of events) await tx.objectStore('audit').add(e);
          for (const [k, x] of scores.entries()) {
            const { scoreId, interviewId } = records.scores[k]!;
            await write(add ? tx.objectStore('scores').add(x) : tx.objectStore('scores').put(x), () => `Score ${scoreId} of interview ${interviewId}`);
          }
        });
      }),
    );
  }

  /**
   * What changed, cheaply: every client's `updatedAt` and every interview's revision (bumped by each write), read from
   * the clear fields without opening a sealed record. The unit sync compares them with what it last copied.
   */
  changeMarks(): Promise<{ clients: Map<string, string>; interviews: Map<string, { clientId: string; rev: number }> }> {
    return this.withCodec(async (db) => {
      const tx = db.transaction(['clients', 'interviews']);
      const [clients, interviews] = await Promise.all([tx.objectStore('clients').getAll(), tx.objectStore('interviews').getAll()]);
      return {
        clients: new Map(clients.map((c) => [c.id, c.updatedAt])),
        interviews: new Map(interviews.map((i) => [i.id, { clientId: i.clientId, rev: i.rev ?? 0 }])),
      };
    });
  }

  /**
   * The unlocked codec and key id, for the unit sync to seal documents exactly as records are sealed here; plaintext
   * for a plaintext store; 'locked' error while locked. The keys inside stay non-extractable.
   */
  recordCodec(): Promise<{ keyId: string | undefined; records: RecordCodec }> {
    return this.withCodec(async (db, codec) => ({ keyId: (await this.readHeader(db))?.keyId, records: codec }));
  }

  /** The encryption header (passphrase slots), or null for a plaintext store. */
  protectionHeader(): Promise<ProtectionHeader | null> {
    return this.run((db) => this.readHeader(db));
  }

  exportRecords(): Promise<StoreRecords> {
    return this.withCodec(async (db, codec) => {
      const tx = db.transaction(['clients', 'interviews', 'answers', 'audit', 'scores']);
      const [clients, interviews, answers, audit, scores] = await Promise.all([
        tx.objectStore('clients').getAll(),
        tx.objectStore('interviews').getAll(),
        tx.objectStore('answers').getAll(),
        tx.objectStore('audit').getAll(),
        tx.objectStore('scores').getAll(),
      ]);
      const all = <T extends object>(name: RecordStore, list: T[]) => Promise.all(list.map((r) => codec.decode(name, r)));
      return {
        clients: await all('clients', clients),
        interviews: (await all('interviews', interviews)).map(publicInterview),
        answers: await all('answers', answers),
        audit: (await all('audit', audit)).map(publicEvent),
        scores: await all('scores', scores),
      };
    });
  }

  close(): void {
    this.state = 'closed';
    this.codec = undefined;
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
