// Records as CouchDB documents (format 1): clients and interviews carry their state, audit events are immutable documents.
import { PLAIN_CODEC, type RecordCodec, type RecordStore } from '../storage/codec.js';
import { sealedFromText, sealedToText, type Sealed, type SealedText } from '../protection/seal.js';
import type { AnswerRecord, AuditEvent, ClientRecord, InterviewRecord, ScoreRecord, StoreRecords } from '../storage/types.js';

/** The document format; a reader refuses a format it does not know rather than guess. */
export const DOC_FORMAT = 1;

interface DocBase {
  _id: string;
  _rev?: string;
  format: typeof DOC_FORMAT;
  /** The CouchDB user who wrote the document; the design document refuses any other. */
  author: string;
  /**
   * The unit key the payloads are sealed with (its id), or absent for plaintext. The design document refuses a
   * document that does not match the unit's choice, so one device cannot leak plaintext into an encrypted unit.
   */
  encryption?: string;
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
  /**
   * How many audit events the state includes. A replica that has the interview but fewer of its events is still
   * receiving them: it waits rather than apply a state ahead of its trail.
   */
  events?: number;
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
/**
 * Deterministic, sorted by place in the chain, and naming the event itself (`tag`): two devices writing the same
 * event write the same document, and two devices writing different events at one place write two documents, so a
 * fork is two documents at one place, both kept on the server, never a conflict one of them loses.
 */
export const auditDocId = (interviewId: string, n: number, tag: string) => `audit:${interviewId}:${String(n).padStart(8, '0')}:${tag}`;
/** The interview and place an audit document's id names. */
export function auditDocPlace(id: string): { interviewId: string; n: number } | undefined {
  const match = /^audit:(.+):(\d{8}):[0-9a-f]{16}$/.exec(id);
  return match ? { interviewId: match[1]!, n: Number(match[2]) } : undefined;
}

/**
 * The event's tag in its document id: its chain hash in a plaintext unit; in an encrypted one an HMAC of it under the
 * unit's audit key, since the hash of a short answer could be guessed by whoever reads the server.
 */
async function eventTag(codec: DocCodec, event: AuditEvent): Promise<string> {
  const tag = codec.keyId === undefined || !codec.records.link ? event.hash : await codec.records.link('asi-interview/doc-id', event.hash);
  return tag.slice(0, 16);
}
/** The range of an interview's audit documents, for `_all_docs?startkey…&endkey…`. */
export const auditDocRange = (interviewId: string) => ({ startkey: `audit:${interviewId}:`, endkey: `audit:${interviewId}:\uffff` });

/**
 * How payloads travel: as they are, or sealed exactly as at rest (the same codec, the same clear fields, the same
 * record binding), with the binary sealed part as base64 so that it is JSON.
 */
export interface DocCodec {
  /** The unit key's id, or undefined for plaintext. */
  readonly keyId: string | undefined;
  readonly records: RecordCodec;
}

export const PLAIN_DOCS: DocCodec = { keyId: undefined, records: PLAIN_CODEC };

async function encodeRecord<T extends object>(codec: DocCodec, store: RecordStore, record: T): Promise<T> {
  if (codec.keyId === undefined) return record;
  const atRest = (await codec.records.encode(store, record)) as Record<string, unknown> & { sealed: Sealed };
  return { ...atRest, sealed: sealedToText(atRest.sealed) } as unknown as T;
}

async function decodeRecord<T extends object>(codec: DocCodec, store: RecordStore, stored: T, where: string): Promise<T> {
  if (codec.keyId === undefined) return stored;
  const atRest = stored as Record<string, unknown> & { sealed?: SealedText };
  return (await codec.records.decode(store, { ...atRest, sealed: sealedFromText(atRest.sealed as SealedText, where) })) as T;
}

/** Every record of a bundle or store as documents (without `_rev`), audit events numbered per interview in log order. */
export async function toDocuments(records: StoreRecords, author: string, codec: DocCodec = PLAIN_DOCS): Promise<UnitDoc[]> {
  const docs: UnitDoc[] = [];
  const base = { format: DOC_FORMAT, author, ...(codec.keyId === undefined ? {} : { encryption: codec.keyId }) } as const;
  for (const client of records.clients) docs.push({ _id: clientDocId(client.id), ...base, type: 'client', client: await encodeRecord(codec, 'clients', client) });
  const answers = groupBy(records.answers);
  const scores = groupBy(records.scores);
  const events = new Map<string, number>();
  for (const event of records.audit) events.set(event.interviewId, (events.get(event.interviewId) ?? 0) + 1);
  for (const interview of records.interviews) {
    docs.push({
      _id: interviewDocId(interview.id),
      ...base,
      type: 'interview',
      interview: await encodeRecord(codec, 'interviews', interview),
      answers: await Promise.all((answers.get(interview.id) ?? []).map((a) => encodeRecord(codec, 'answers', a))),
      scores: await Promise.all((scores.get(interview.id) ?? []).map((s) => encodeRecord(codec, 'scores', s))),
      events: events.get(interview.id) ?? 0,
    });
  }
  // One by one: spreading a unit's hundreds of thousands of events into push() overflows the call stack.
  for (const doc of await auditDocuments(records.audit, author, codec)) docs.push(doc);
  return docs;
}

/** Audit events as documents; `from` gives each interview's place of its first event (0 when absent). */
export async function auditDocuments(events: readonly AuditEvent[], author: string, codec: DocCodec = PLAIN_DOCS, from: ReadonlyMap<string, number> = new Map()): Promise<AuditDoc[]> {
  const base = { format: DOC_FORMAT, author, ...(codec.keyId === undefined ? {} : { encryption: codec.keyId }) } as const;
  const places = new Map(from);
  const docs: AuditDoc[] = [];
  for (const { seq: _seq, ...event } of events) {
    const n = places.get(event.interviewId) ?? 0;
    places.set(event.interviewId, n + 1);
    // Sealed with its place, as at rest: the payload is bound to interview and place, so a moved event fails its tag.
    const payload = codec.keyId === undefined ? event : await encodeRecord(codec, 'audit', { ...event, n });
    docs.push({ _id: auditDocId(event.interviewId, n, await eventTag(codec, event)), ...base, type: 'audit', n, event: payload as AuditEvent });
  }
  return docs;
}

/**
 * The records a set of documents holds; audit events in chain order per interview. Documents of an unknown format,
 * sealed with another key, plaintext in an encrypted unit, or failing their seal are reported, never guessed at.
 */
export async function fromDocuments(
  docs: readonly unknown[],
  codec: DocCodec = PLAIN_DOCS,
): Promise<{ records: StoreRecords; problems: string[]; events: Map<string, number>; forks: Map<string, number> }> {
  const records: StoreRecords = { clients: [], interviews: [], answers: [], audit: [], scores: [] };
  const problems: string[] = [];
  const audit: AuditDoc[] = [];
  /** interviewId → the number of events its state includes (as written). */
  const events = new Map<string, number>();
  for (const raw of docs) {
    const doc = raw as Partial<UnitDoc> & { _id?: string; type?: string };
    if (typeof doc?._id !== 'string' || doc._id.startsWith('_design/') || doc._id.startsWith('unit:')) continue;
    if ((doc.type as string) === 'lease') continue;
    if (doc.format !== DOC_FORMAT) {
      problems.push(`Document ${doc._id} is of format ${String(doc.format)}; this version reads format ${DOC_FORMAT}`);
      continue;
    }
    if ((doc.encryption ?? undefined) !== codec.keyId) {
      problems.push(
        codec.keyId === undefined
          ? `Document ${doc._id} is encrypted (key ${String(doc.encryption)}), but no unit key was given`
          : doc.encryption === undefined
            ? `Document ${doc._id} is not encrypted, in a unit whose records are`
            : `Document ${doc._id} is encrypted with another unit key (${doc.encryption})`,
      );
      continue;
    }
    try {
      if (doc.type === 'client' && doc.client) records.clients.push(await decodeRecord(codec, 'clients', doc.client, doc._id));
      else if (doc.type === 'interview' && doc.interview) {
        const interview = await decodeRecord(codec, 'interviews', doc.interview, doc._id);
        records.interviews.push(interview);
        for (const a of doc.answers ?? []) records.answers.push(await decodeRecord(codec, 'answers', a, doc._id));
        for (const s of doc.scores ?? []) records.scores.push(await decodeRecord(codec, 'scores', s, doc._id));
        if (Number.isInteger(doc.events)) events.set(interview.id, doc.events!);
      } else if (doc.type === 'audit' && doc.event && Number.isInteger(doc.n)) {
        const event = await decodeRecord(codec, 'audit', { ...doc.event, ...(codec.keyId === undefined ? {} : { n: doc.n }) } as AuditEvent & { n?: number }, doc._id);
        const { n: _n, link: _link, ...plain } = event as AuditEvent & { n?: number; link?: string };
        if (plain.interviewId === undefined || auditDocId(plain.interviewId, doc.n!, await eventTag(codec, plain)) !== doc._id) {
          problems.push(`Document ${doc._id} holds an audit event of another interview or place`);
          continue;
        }
        audit.push({ ...(doc as AuditDoc), event: plain });
      } else problems.push(`Document ${doc._id} is not a client, interview or audit event of asi-interview`);
    } catch (error) {
      problems.push(`Document ${doc._id}: ${(error as Error).message}`);
    }
  }
  audit.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  /** interviewId → the first place where two different events are stored (the chains forked there). */
  const forks = new Map<string, number>();
  for (let k = 1; k < audit.length; k++) {
    const [prev, doc] = [audit[k - 1]!, audit[k]!];
    if (prev.event.interviewId === doc.event.interviewId && prev.n === doc.n && !forks.has(doc.event.interviewId)) forks.set(doc.event.interviewId, doc.n);
  }
  records.audit = audit.map((d) => d.event);
  return { records, problems, events, forks };
}

function groupBy<T extends { interviewId: string }>(list: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) {
    const group = out.get(item.interviewId);
    if (group) group.push(item);
    else out.set(item.interviewId, [item]);
  }
  return out;
}
