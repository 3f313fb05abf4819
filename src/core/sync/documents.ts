// Records as CouchDB documents (format 1): clients and interviews carry their state, audit events are immutable documents.
import type { AnswerRecord, AuditEvent, ClientRecord, InterviewRecord, ScoreRecord, StoreRecords } from '../storage/types.js';

/** The document format; a reader refuses a format it does not know rather than guess. */
export const DOC_FORMAT = 1;

interface DocBase {
  _id: string;
  _rev?: string;
  format: typeof DOC_FORMAT;
  /** The CouchDB user who wrote the document; the design document refuses any other. */
  author: string;
}

export interface ClientDoc extends DocBase {
  type: 'client';
  client: ClientRecord;
}

/** An interview's record with its answers and scores: state that can be rebuilt from its audit events. */
export interface InterviewDoc extends DocBase {
  type: 'interview';
  interview: InterviewRecord;
  answers: AnswerRecord[];
  scores: ScoreRecord[];
}

/** One audit event, at its place `n` in its interview's chain. Written once; never updated, never deleted. */
export interface AuditDoc extends DocBase {
  type: 'audit';
  n: number;
  event: AuditEvent;
}

export type UnitDoc = ClientDoc | InterviewDoc | AuditDoc;

export const clientDocId = (id: string) => `client:${id}`;
export const interviewDocId = (id: string) => `interview:${id}`;
/** Deterministic, and sorted by place in the chain: two devices writing the same event write the same document. */
export const auditDocId = (interviewId: string, n: number) => `audit:${interviewId}:${String(n).padStart(8, '0')}`;

/** Every record of a bundle or store as documents (without `_rev`), audit events numbered per interview in log order. */
export function toDocuments(records: StoreRecords, author: string): UnitDoc[] {
  const docs: UnitDoc[] = [];
  const base = { format: DOC_FORMAT, author } as const;
  for (const client of records.clients) docs.push({ _id: clientDocId(client.id), ...base, type: 'client', client });
  const answers = groupBy(records.answers);
  const scores = groupBy(records.scores);
  for (const interview of records.interviews) {
    docs.push({ _id: interviewDocId(interview.id), ...base, type: 'interview', interview, answers: answers.get(interview.id) ?? [], scores: scores.get(interview.id) ?? [] });
  }
  const places = new Map<string, number>();
  for (const { seq: _seq, ...event } of records.audit) {
    const n = places.get(event.interviewId) ?? 0;
    places.set(event.interviewId, n + 1);
    docs.push({ _id: auditDocId(event.interviewId, n), ...base, type: 'audit', n, event });
  }
  return docs;
}

/** The records a set of documents holds; audit events in chain order per interview. Unknown documents are reported. */
export function fromDocuments(docs: readonly unknown[]): { records: StoreRecords; problems: string[] } {
  const records: StoreRecords = { clients: [], interviews: [], answers: [], audit: [], scores: [] };
  const problems: string[] = [];
  const audit: AuditDoc[] = [];
  for (const raw of docs) {
    const doc = raw as Partial<UnitDoc> & { _id?: string };
    if (typeof doc?._id !== 'string' || doc._id.startsWith('_design/')) continue;
    if (doc.format !== DOC_FORMAT) {
      problems.push(`Document ${doc._id} is of format ${String(doc.format)}; this version reads format ${DOC_FORMAT}`);
      continue;
    }
    if (doc.type === 'client' && doc.client) records.clients.push(doc.client);
    else if (doc.type === 'interview' && doc.interview) {
      records.interviews.push(doc.interview);
      records.answers.push(...(doc.answers ?? []));
      records.scores.push(...(doc.scores ?? []));
    } else if (doc.type === 'audit' && doc.event && Number.isInteger(doc.n)) audit.push(doc as AuditDoc);
    else problems.push(`Document ${doc._id} is not a client, interview or audit event of asi-interview`);
  }
  audit.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  records.audit = audit.map((d) => d.event);
  return { records, problems };
}

function groupBy<T extends { interviewId: string }>(list: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) out.set(item.interviewId, [...(out.get(item.interviewId) ?? []), item]);
  return out;
}
