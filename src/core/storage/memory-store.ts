// In-memory InterviewStore for unit tests, stories and Node tools: behaves like the IndexedDB store, keeps nothing.
import { nowWithOffset, sealEvents, verifyChain } from './audit-chain.js';
import type {
  AnswerChange,
  AnswerRecord,
  AuditEvent,
  ClientRecord,
  InterviewRecord,
  InterviewStore,
  SaveOptions,
  ScoreRecord,
} from './types.js';
import { StorageError } from './types.js';
import { newestFirst, notFound, planWrite, serialized, toStorageError, validateWrite } from './write-plan.js';

/** The memory store's raw records, reachable only through {@link memoryStoreRecords}. */
export interface MemoryRecords {
  clients: Map<string, ClientRecord>;
  interviews: Map<string, InterviewRecord>;
  /** interviewId → itemId → answer */
  answers: Map<string, Map<string, AnswerRecord>>;
  /** Every interview's events in `seq` order, as the IndexedDB `audit` store holds them. */
  audit: AuditEvent[];
  /** interviewId → scoreId → score */
  scores: Map<string, Map<string, ScoreRecord>>;
}

const rawRecords = new WeakMap<InterviewStore, MemoryRecords>();

/** Test hook: the live records behind a memory store, e.g. to tamper with an audit event. Not for application code. */
export function memoryStoreRecords(store: InterviewStore): MemoryRecords | undefined {
  return rawRecords.get(store);
}

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** Clones on the way in and out (as IndexedDB does), so callers can never reach a stored record. */
function copy<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch (error) {
    throw toStorageError(error);
  }
}

export function createMemoryStore(options: { now?: () => Date } = {}): InterviewStore {
  const now = options.now ?? (() => new Date());
  const db: MemoryRecords = { clients: new Map(), interviews: new Map(), answers: new Map(), audit: [], scores: new Map() };
  let closed = false;
  const queue = serialized();

  const open = () => {
    if (closed) throw new StorageError('closed', 'The store has been closed.');
  };
  const eventsOf = (interviewId: string) => db.audit.filter((e) => e.interviewId === interviewId);

  function write(interviewId: string, changes: AnswerChange[], opts: SaveOptions): Promise<InterviewRecord> {
    return queue(async () => {
      open();
      validateWrite(changes, opts);
      const patchCopy = copy(opts.interview);
      const interview = db.interviews.get(interviewId);
      if (!interview) throw notFound(interviewId);
      const answers = db.answers.get(interviewId) ?? new Map<string, AnswerRecord>();
      const plan = planWrite(interview, [...answers.values()], changes, { ...opts, interview: patchCopy }, nowWithOffset(now()));
      const events = await sealEvents(plan.drafts, eventsOf(interviewId).at(-1)?.hash ?? '');
      // Everything below is synchronous: the memory equivalent of one committed transaction.
      for (const record of plan.puts) answers.set(record.itemId, record);
      for (const itemId of plan.deletes) answers.delete(itemId);
      db.answers.set(interviewId, answers);
      let seq = db.audit.at(-1)?.seq ?? 0;
      for (const event of events) db.audit.push({ ...event, seq: ++seq });
      const updated = { ...interview, ...plan.patch };
      db.interviews.set(interviewId, updated);
      return copy(updated);
    });
  }

  const store: InterviewStore = {
    async putClient(client) {
      open();
      db.clients.set(client.id, copy(client));
    },
    async getClient(id) {
      open();
      return copy(db.clients.get(id));
    },
    async listClients() {
      open();
      return copy([...db.clients.values()].sort(byKey((c) => c.id)));
    },

    async createInterview(interview) {
      open();
      if (db.interviews.has(interview.id)) throw new StorageError('invalid', 'A record with this id already exists.');
      db.interviews.set(interview.id, copy(interview));
    },
    async getInterview(id) {
      open();
      return copy(db.interviews.get(id));
    },
    async listInterviews(filter = {}) {
      open();
      const all = [...db.interviews.values()].filter((i) => filter.clientId === undefined || i.clientId === filter.clientId);
      return copy(all.sort(newestFirst));
    },
    updateInterview(id, patch, opts) {
      return write(id, [], { ...opts, ...(patch && { interview: patch }) });
    },

    async saveAnswers(interviewId, changes, opts) {
      await write(interviewId, changes, opts);
    },
    async getAnswers(interviewId) {
      open();
      return copy([...(db.answers.get(interviewId)?.values() ?? [])].sort(byKey((a) => a.itemId)));
    },

    async getAuditLog(interviewId) {
      open();
      return copy(eventsOf(interviewId));
    },
    async verifyAuditLog(interviewId) {
      open();
      return verifyChain(eventsOf(interviewId));
    },

    async putScores(interviewId, scores) {
      open();
      if (!db.interviews.has(interviewId)) throw notFound(interviewId);
      if (scores.some((s) => s.interviewId !== interviewId)) throw new StorageError('invalid', 'A score belongs to another interview.');
      const stored = db.scores.get(interviewId) ?? new Map<string, ScoreRecord>();
      for (const score of copy(scores)) stored.set(score.scoreId, score);
      db.scores.set(interviewId, stored);
    },
    async getScores(interviewId) {
      open();
      return copy([...(db.scores.get(interviewId)?.values() ?? [])].sort(byKey((s) => s.scoreId)));
    },

    close() {
      closed = true;
    },
  };
  rawRecords.set(store, db);
  return store;
}
