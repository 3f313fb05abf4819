// The unit sync: the local store stays the durable truth; a PouchDB replica beside it replicates with the unit's CouchDB.
import { checkBundle, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, importBundle, instrumentRefs, type Bundle, type ResolveInstrument } from '../exchange/bundle.js';
import { nowWithOffset } from '../storage/audit-chain.js';
import type { RecordCodec } from '../storage/codec.js';
import type { InterviewStore, StoreRecords } from '../storage/types.js';
import { auditDocPlace, auditDocRange, auditDocuments, clientDocId, fromDocuments, interviewDocId, toDocuments, type DocCodec, type UnitDoc } from './documents.js';

/** What the sync needs of a store beyond the contract: cheap change marks and its codec (see IdbInterviewStore). */
export interface SyncableStore extends InterviewStore {
  changeMarks(): Promise<{ clients: Map<string, string>; interviews: Map<string, { clientId: string; rev: number }> }>;
  recordCodec(): Promise<{ keyId: string | undefined; records: RecordCodec }>;
}

/** The part of a PouchDB database the sync uses (so that the core names no adapter). */
export interface ReplicaDb {
  get(id: string): Promise<any>;
  put(doc: object): Promise<{ rev: string }>;
  bulkDocs(docs: object[]): Promise<Array<{ id?: string; error?: string | boolean; reason?: string; message?: string }>>;
  allDocs(options: { keys?: string[]; include_docs?: boolean; startkey?: string; endkey?: string }): Promise<{ rows: Array<{ id?: string; key: string; value?: { rev: string }; doc?: any; error?: string }> }>;
  changes(options: { since: number | string; include_docs?: boolean; limit?: number }): Promise<{ results: Array<{ id: string; seq: number | string }>; last_seq: number | string }>;
}

/** An interview whose copies on two devices went different ways: both are kept, a person resolves it. */
export interface Fork {
  interviewId: string;
  /** The place of the first event where the chains differ. */
  at: number;
}

export interface ApplyResult {
  /** Clients and interviews written into the store. */
  clients: number;
  interviews: number;
  /** Interviews still receiving their audit events (applied on a later pass). */
  waiting: string[];
  forks: Fork[];
}

interface Pushed {
  _id: '_local/asi-pushed';
  _rev?: string;
  clients: Record<string, string>;
  /** interviewId → [revision copied, audit events copied]. */
  interviews: Record<string, [number, number]>;
}

interface Applied {
  _id: '_local/asi-applied';
  _rev?: string;
  since: number | string;
}

/**
 * Copies between a store and its replica. It never holds a write of the store back: answers commit to the store first
 * (strict durability, no network), and `copyOut` carries them into the replica afterwards; replication is PouchDB's.
 * Incoming documents are checked like an import and applied in one store transaction (`importBundle`).
 */
export class UnitReplica {
  constructor(
    private readonly store: SyncableStore,
    private readonly replica: ReplicaDb,
    private readonly options: { author: string; resolveInstrument: ResolveInstrument },
  ) {}

  private async codec(): Promise<DocCodec> {
    return this.store.recordCodec();
  }

  /** Copies what changed in the store since the last copy into the replica (documents sealed as at rest). */
  async copyOut(): Promise<number> {
    const codec = await this.codec();
    const marks = await this.store.changeMarks();
    const pushed = await this.local<Pushed>('_local/asi-pushed', { _id: '_local/asi-pushed', clients: {}, interviews: {} });
    const docs: UnitDoc[] = [];
    const clientIds = [...marks.clients].filter(([id, updatedAt]) => pushed.clients[id] !== updatedAt).map(([id]) => id);
    for (const id of clientIds) {
      const client = await this.store.getClient(id);
      if (client) docs.push(...(await toDocuments({ clients: [client], interviews: [], answers: [], audit: [], scores: [] }, this.options.author, codec)));
    }
    const copied: Array<[string, number, number]> = [];
    for (const [id, { rev }] of marks.interviews) {
      const done = pushed.interviews[id];
      if (done && done[0] === rev) continue;
      const [interview, answers, audit, scores] = await Promise.all([this.store.getInterview(id), this.store.getAnswers(id), this.store.getAuditLog(id), this.store.getScores(id)]);
      if (!interview) continue;
      const state = await toDocuments({ clients: [], interviews: [interview], answers, audit: [], scores }, this.options.author, codec);
      (state[0] as { events?: number }).events = audit.length;
      const from = done?.[1] ?? 0;
      docs.push(...state, ...(await auditDocuments(audit.slice(from), this.options.author, codec, new Map([[id, from]]))));
      copied.push([id, rev, audit.length]);
    }
    if (docs.length === 0) return 0;
    await this.write(docs);
    for (const id of clientIds) pushed.clients[id] = marks.clients.get(id)!;
    for (const [id, rev, events] of copied) pushed.interviews[id] = [rev, events];
    await this.replica.put(pushed);
    return docs.length;
  }

  /** Writes documents over their current revisions; an audit event is never overwritten (it is written once). */
  private async write(docs: UnitDoc[]): Promise<void> {
    const current = await this.replica.allDocs({ keys: docs.map((d) => d._id) });
    const revs = new Map(current.rows.filter((r) => r.value && !r.error).map((r) => [r.key, r.value!.rev]));
    const writes = docs.filter((d) => d.type !== 'audit' || !revs.has(d._id)).map((d) => (revs.has(d._id) ? { ...d, _rev: revs.get(d._id) } : d));
    const results = await this.replica.bulkDocs(writes);
    const failed = results.find((r) => r.error);
    if (failed) throw new Error(`The sync replica refused ${failed.id}: ${failed.reason ?? failed.message ?? String(failed.error)}`);
  }

  /**
   * Applies what arrived in the replica since the last pass: new clients, new interviews and interviews whose trail
   * continues the stored one, in one checked import. An interview whose stored trail is ahead waits for its own copy
   * out; one whose two trails differ is a fork, kept as it is on each side and reported.
   */
  async applyIncoming(): Promise<ApplyResult> {
    const result: ApplyResult = { clients: 0, interviews: 0, waiting: [], forks: [] };
    const state = await this.local<Applied>('_local/asi-applied', { _id: '_local/asi-applied', since: 0 });
    const changes = await this.replica.changes({ since: state.since });
    const clientIds = new Set<string>();
    const interviewIds = new Set<string>();
    for (const { id } of changes.results) {
      if (id.startsWith('client:')) clientIds.add(id.slice('client:'.length));
      else if (id.startsWith('interview:')) interviewIds.add(id.slice('interview:'.length));
      else if (id.startsWith('audit:')) {
        const place = auditDocPlace(id);
        if (place) interviewIds.add(place.interviewId);
      }
    }
    if (clientIds.size === 0 && interviewIds.size === 0) {
      await this.saveSince(state, changes.last_seq);
      return result;
    }
    const codec = await this.codec();
    const incoming: StoreRecords = { clients: [], interviews: [], answers: [], audit: [], scores: [] };
    for (const id of interviewIds) {
      const docs = [await this.replica.get(interviewDocId(id)).catch(() => undefined)].filter(Boolean);
      const range = auditDocRange(id);
      docs.push(...(await this.replica.allDocs({ include_docs: true, ...range })).rows.map((r) => r.doc));
      const { records, problems, events, forks } = await fromDocuments(docs, codec);
      if (problems.length) throw new Error(`Incoming records of interview ${id} cannot be read: ${problems[0]}`);
      // Two devices wrote different events at one place: both documents are kept, and a person resolves it.
      if (forks.has(id)) {
        result.forks.push({ interviewId: id, at: forks.get(id)! });
        continue;
      }
      const interview = records.interviews[0];
      if (!interview || (events.get(id) ?? records.audit.length) > records.audit.length) {
        result.waiting.push(id);
        continue;
      }
      const stored = await this.store.getAuditLog(id);
      const theirs = records.audit.slice(0, events.get(id) ?? records.audit.length);
      const common = Math.min(stored.length, theirs.length);
      const differs = Array.from({ length: common }, (_, k) => k).find((k) => stored[k]!.hash !== theirs[k]!.hash);
      if (differs !== undefined) {
        result.forks.push({ interviewId: id, at: differs });
        continue;
      }
      // Ours is as far or further: nothing to take (ours goes out on the next copy).
      if (theirs.length <= stored.length && (await this.store.getInterview(id)) !== undefined) continue;
      clientIds.add(interview.clientId);
      incoming.interviews.push(interview);
      incoming.answers.push(...records.answers);
      incoming.scores.push(...records.scores);
      incoming.audit.push(...theirs);
    }
    for (const id of clientIds) {
      const doc = await this.replica.get(clientDocId(id)).catch(() => undefined);
      if (!doc) continue;
      const { records, problems } = await fromDocuments([doc], codec);
      if (problems.length) throw new Error(`Incoming client ${id} cannot be read: ${problems[0]}`);
      const client = records.clients[0]!;
      const stored = await this.store.getClient(id);
      if (!stored || stored.updatedAt < client.updatedAt || incoming.interviews.some((i) => i.clientId === id)) incoming.clients.push(stored && stored.updatedAt >= client.updatedAt ? stored : client);
    }
    if (incoming.clients.length || incoming.interviews.length) {
      const bundle: Bundle = { format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, exportedAt: nowWithOffset(), instruments: instrumentRefs(incoming.interviews), ...incoming };
      const checked = await checkBundle(bundle, { resolveInstrument: this.options.resolveInstrument });
      if (!checked.ok) throw new Error(`Incoming records are not valid: ${checked.problems[0]!.path}: ${checked.problems[0]!.message}`);
      const summary = await importBundle(this.store, checked.bundle, { mode: 'replace', resolveInstrument: this.options.resolveInstrument });
      result.clients = summary.clients;
      result.interviews = summary.interviews;
      // What was just applied is the store's own now: mark it copied, so it is not copied straight back.
      const marks = await this.store.changeMarks();
      const pushed = await this.local<Pushed>('_local/asi-pushed', { _id: '_local/asi-pushed', clients: {}, interviews: {} });
      for (const c of incoming.clients) pushed.clients[c.id] = marks.clients.get(c.id) ?? c.updatedAt;
      for (const i of incoming.interviews) {
        pushed.interviews[i.id] = [marks.interviews.get(i.id)?.rev ?? 0, incoming.audit.filter((e) => e.interviewId === i.id).length];
      }
      await this.replica.put(pushed);
    }
    // Waiting interviews are looked at again: the next pass starts where this one did for them.
    if (result.waiting.length === 0) await this.saveSince(state, changes.last_seq);
    return result;
  }

  private async saveSince(state: Applied, since: number | string): Promise<void> {
    if (state.since === since) return;
    await this.replica.put({ ...state, since });
  }

  private async local<T extends { _id: string }>(id: string, empty: T): Promise<T> {
    try {
      return (await this.replica.get(id)) as T;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return empty;
      throw error;
    }
  }
}

