// In-memory InterviewStore for unit tests, stories and Node tools: behaves like the IndexedDB store, keeps nothing.
import { nowWithOffset, sealEvents, verifyChain, type AuditDraft } from './audit-chain.js';
import { EMPTY_TIP, acknowledgementDrafts, checkInterview, type ChainTip } from './integrity.js';
import type {
  AnswerChange,
  AnswerRecord,
  AuditEvent,
  ClientRecord,
  InterviewRecord,
  InterviewStore,
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
  /** interviewId → where its audit chain ended when last written (so a removed last event is noticed). */
  tips: Map<string, ChainTip>;
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
  const db: MemoryRecords = { clients: new Map(), interviews: new Map(), answers: new Map(), audit: [], scores: new Map(), tips: new Map() };
  let closed = false;
  const queue = serialized();

  const open = () => {
    if (closed) throw new StorageError('closed', 'The store has been closed.');
  };
  const eventsOf = (interviewId: string) => db.audit.filter((e) => e.interviewId === interviewId);

  function write(
    interviewId: string,
    changes: AnswerChange[],
    opts: SaveOptions,
    extra?: { drafts: (at: string) => AuditDraft[]; tip: ChainTip },
  ): Promise<InterviewRecord> {
    return queue(async () => {
      open();
      validateWrite(changes, opts);
      const patchCopy = copy(opts.interview);
      const interview = db.interviews.get(interviewId);
      if (!interview) throw notFound(interviewId);
      const answers = db.answers.get(interviewId) ?? new Map<string, AnswerRecord>();
      const at = nowWithOffset(now());
      const plan = planWrite(interview, [...answers.values()], changes, { ...opts, interview: patchCopy }, at);
      if (extra) plan.drafts.push(...extra.drafts(at));
      const tip = extra?.tip ?? db.tips.get(interviewId) ?? EMPTY_TIP;
      const events = await sealEvents(plan.drafts, tip.hash);
      // Everything below is synchronous: the memory equivalent of one committed transaction.
      for (const record of plan.puts) answers.set(record.itemId, record);
      for (const itemId of plan.deletes) answers.delete(itemId);
      db.answers.set(interviewId, answers);
      let seq = db.audit.at(-1)?.seq ?? 0;
      for (const event of events) db.audit.push({ ...event, seq: ++seq });
      db.tips.set(interviewId, { count: tip.count + events.length, hash: events.at(-1)?.hash ?? tip.hash });
      const updated = { ...interview, ...plan.patch };
      db.interviews.set(interviewId, updated);
      return copy(updated);
    });
  }

  function importRecords(records: StoreRecords, mode: 'add' | 'replace'): Promise<void> {
    return queue(async () => {
      open();
      validateImport(records);
      const incoming = copy(records);
      const refs = importReferences(incoming);
      const missingClient = refs.clientIds.find((id) => !db.clients.has(id));
      if (missingClient !== undefined) throw danglingImport('client', missingClient);
      const missingInterview = refs.interviewIds.find((id) => !db.interviews.has(id));
      if (missingInterview !== undefined) throw danglingImport('interview', missingInterview);
      const tips = new Map<string, string>();
      for (const event of db.audit) tips.set(event.interviewId, event.hash);
      checkImportedChains(incoming.audit, tips);
      if (mode === 'add') {
        const client = incoming.clients.find((c) => db.clients.has(c.id));
        if (client) throw alreadyStored(`Client ${client.id}`);
        const interview = incoming.interviews.find((i) => db.interviews.has(i.id));
        if (interview) throw alreadyStored(`Interview ${interview.id}`);
        const answer = incoming.answers.find((a) => db.answers.get(a.interviewId)?.has(a.itemId));
        if (answer) throw alreadyStored(`The answer to ${answer.itemId} in interview ${answer.interviewId}`);
        const score = incoming.scores.find((x) => db.scores.get(x.interviewId)?.has(x.scoreId));
        if (score) throw alreadyStored(`Score ${score.scoreId} of interview ${score.interviewId}`);
      }
      // Everything below is synchronous: the memory equivalent of one committed transaction.
      for (const client of incoming.clients) db.clients.set(client.id, client);
      for (const interview of incoming.interviews) {
        db.interviews.set(interview.id, interview);
        if (!db.tips.has(interview.id)) db.tips.set(interview.id, EMPTY_TIP);
        // Replacing an interview replaces its whole state; in 'add' mode there is nothing stored to drop.
        db.answers.delete(interview.id);
        db.scores.delete(interview.id);
      }
      for (const answer of incoming.answers) {
        const answers = db.answers.get(answer.interviewId) ?? new Map<string, AnswerRecord>();
        db.answers.set(answer.interviewId, answers.set(answer.itemId, answer));
      }
      let seq = db.audit.at(-1)?.seq ?? 0;
      for (const event of incoming.audit) {
        db.audit.push({ ...withoutSeq(event), seq: ++seq });
        const tip = db.tips.get(event.interviewId) ?? EMPTY_TIP;
        db.tips.set(event.interviewId, { count: tip.count + 1, hash: event.hash });
      }
      for (const score of incoming.scores) {
        const scores = db.scores.get(score.interviewId) ?? new Map<string, ScoreRecord>();
        db.scores.set(score.interviewId, scores.set(score.scoreId, score));
      }
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
      db.tips.set(interview.id, EMPTY_TIP);
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

    async verifyInterview(interviewId) {
      open();
      const answers = [...(db.answers.get(interviewId)?.values() ?? [])];
      return checkInterview(interviewId, db.tips.get(interviewId), copy(eventsOf(interviewId)), copy(answers));
    },
    async acknowledgeIntegrity(interviewId, opts) {
      const report = await store.verifyInterview(interviewId);
      if (report.ok) return report;
      const events = eventsOf(interviewId);
      const tip = { count: events.length, hash: events.at(-1)?.hash ?? '' };
      await write(interviewId, [], { actor: opts.actor }, { drafts: (at) => acknowledgementDrafts(report, at, opts), tip });
      return store.verifyInterview(interviewId);
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

    importRecords(records, opts = {}) {
      return importRecords(records, opts.mode ?? 'add');
    },
    async exportRecords() {
      open();
      const nested = <T>(map: Map<string, Map<string, T>>) => [...map.values()].flatMap((inner) => [...inner.values()]);
      return copy({
        clients: [...db.clients.values()],
        interviews: [...db.interviews.values()],
        answers: nested(db.answers),
        audit: db.audit,
        scores: nested(db.scores),
      });
    },

    close() {
      closed = true;
    },
  };
  rawRecords.set(store, db);
  return store;
}
