// The InterviewStore contract: records the library keeps, and the operations every store implementation provides.
import type { AnswerValue } from '../definition/values.js';
import type { IntegrityReport } from './integrity.js';

export type Sex = 'female' | 'male' | 'other' | 'unknown';

/** A client, identified only by a pseudonymous code chosen by the unit (never a personal identity number). */
export interface ClientRecord {
  id: string;
  code: string;
  sex: Sex;
  birthYear?: number;
  createdAt: string;
  updatedAt: string;
}

export type InterviewStatus = 'in-progress' | 'paused' | 'completed' | 'terminated';
export type AdministrationMode = 'interviewer' | 'self';

export interface InterviewRecord {
  id: string;
  clientId: string;
  instrumentId: string;
  /** The instrument version the interview was taken with; it always resumes on this version. */
  instrumentVersion: string;
  round: string;
  status: InterviewStatus;
  mode: AdministrationMode;
  interviewer?: string;
  startedAt: string;
  updatedAt: string;
  completedAt?: string;
  terminatedAt?: string;
  terminationReason?: string;
  /** Item the interviewer was on when last saved. */
  position?: string;
  /** Trimmed persisted machine snapshot (see core/flow/persistence.ts); a convenience, never the record. */
  snapshot?: unknown;
}

export type AnswerSource = 'entered' | 'autofill';

export interface AnswerRecord {
  interviewId: string;
  itemId: string;
  value: AnswerValue;
  source: AnswerSource;
  updatedAt: string;
}

/** One append-only audit event. `hash` chains each interview's events so that tampering can be detected. */
export interface AuditEvent {
  seq?: number;
  interviewId: string;
  /** `integrity`: a person acknowledged an integrity warning; `old` holds what they were shown (JSON). */
  type: 'answer' | 'status' | 'integrity';
  itemId: string | null;
  old: AnswerValue | string | null;
  new: AnswerValue | string | null;
  /** ISO 8601 with the local UTC offset, e.g. 2026-11-22T17:01:02.123+01:00 */
  at: string;
  actor: string;
  reason?: string;
  prevHash: string;
  hash: string;
}

export interface ScoreProvenance {
  algorithm: { id: string; version: string };
  instrument: { id: string; version: string };
  inputs: Record<string, AnswerValue | null>;
  missing: string[];
}

export interface ScoreRecord {
  interviewId: string;
  scoreId: string;
  value: number | null;
  provenance: ScoreProvenance;
  computedAt: string;
}

/** One answer to write: `value: null` clears a stored answer (e.g. an auto-fill whose condition no longer holds). */
export interface AnswerChange {
  itemId: string;
  value: AnswerValue | null;
  source: AnswerSource;
}

export interface SaveOptions {
  actor: string;
  /** Required by the UI for changes after completion; stored on every audit event of the write. */
  reason?: string;
  /** Fields of the interview record written in the same transaction (position, snapshot, status...). */
  interview?: Partial<Omit<InterviewRecord, 'id' | 'clientId' | 'instrumentId' | 'instrumentVersion'>>;
}

/**
 * Every record a store holds, as a backup carries it. `audit` is in log order (each interview's events in the order
 * they were appended); a store assigns its own `seq` on import, so incoming `seq` values are ignored.
 */
export interface StoreRecords {
  clients: ClientRecord[];
  interviews: InterviewRecord[];
  answers: AnswerRecord[];
  audit: AuditEvent[];
  scores: ScoreRecord[];
}

/**
 * `add`: every client, interview, answer and score must be new (a key already stored, or repeated in the import,
 * fails the whole import). `replace`: a client or interview whose id is stored is overwritten, and each imported
 * interview's stored answers and scores are replaced by the imported ones as a whole. Audit events are only ever
 * appended, in both modes.
 */
export type ImportMode = 'add' | 'replace';

/**
 * `locked`: the store is encrypted and not unlocked; `integrity`: a record failed its integrity check (changed outside
 * the app, or an interview with an unacknowledged integrity warning that may not be edited).
 */
export type StorageErrorCode = 'quota' | 'aborted' | 'closed' | 'not-found' | 'invalid' | 'blocked' | 'locked' | 'integrity' | 'unknown';

/** Every store failure surfaces as this, with a code the UI can act on and a plain message. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;
  override readonly cause?: unknown;
  constructor(code: StorageErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'StorageError';
    this.code = code;
    this.cause = cause;
  }
}

export interface InterviewStore {
  putClient(client: ClientRecord): Promise<void>;
  getClient(id: string): Promise<ClientRecord | undefined>;
  listClients(): Promise<ClientRecord[]>;

  createInterview(interview: InterviewRecord): Promise<void>;
  getInterview(id: string): Promise<InterviewRecord | undefined>;
  /** Newest first by `startedAt`. */
  listInterviews(filter?: { clientId?: string }): Promise<InterviewRecord[]>;
  /** Patches the interview; a status change also appends a `status` audit event. Same transaction. */
  updateInterview(id: string, patch: SaveOptions['interview'], options: { actor: string; reason?: string }): Promise<InterviewRecord>;

  /**
   * Writes answers, their audit events and the interview patch in one transaction with strict durability and
   * resolves only once it has committed. Unchanged values write no audit event. On failure nothing is written
   * and the promise rejects with a StorageError.
   */
  saveAnswers(interviewId: string, changes: AnswerChange[], options: SaveOptions): Promise<void>;
  getAnswers(interviewId: string): Promise<AnswerRecord[]>;

  getAuditLog(interviewId: string): Promise<AuditEvent[]>;
  /** Recomputes the hash chain; `brokenAt` is the index of the first event that does not match. */
  verifyAuditLog(interviewId: string): Promise<{ ok: true } | { ok: false; brokenAt: number }>;
  /**
   * Checks everything about one interview that can be checked: its audit chain (keyed links in an encrypted store),
   * that no event is missing from its end, that every sealed record opens, and that the stored answers equal the
   * fold of its audit events. Never throws for what it finds: problems are in the report.
   */
  verifyInterview(interviewId: string): Promise<IntegrityReport>;
  /**
   * Records that a person saw the integrity problems of an interview, as an `integrity` audit event (and, for answers
   * that differ from the trail, answer events bringing the trail in line with what is stored), so that the interview
   * can be edited again. Unreadable records cannot be acknowledged (restore them from a backup): 'integrity' error.
   */
  acknowledgeIntegrity(interviewId: string, options: { actor: string; reason?: string }): Promise<IntegrityReport>;

  putScores(interviewId: string, scores: ScoreRecord[]): Promise<void>;
  getScores(interviewId: string): Promise<ScoreRecord[]>;

  /**
   * Writes restored records (a backup, another unit's bundle) in one transaction with strict durability: all or
   * nothing. Audit events keep their hashes and are appended in the given order with new `seq`s; each interview's
   * first imported event must chain onto its last stored one, so an import can never break or fork a chain.
   * Every interview must belong to a client, and every answer, event and score to an interview, that is stored or
   * imported. Any failure rejects with a StorageError ('invalid' for records that do not fit) and writes nothing.
   * It does not check answers against the instrument: importers validate first (see core/exchange).
   */
  importRecords(records: StoreRecords, options?: { mode?: ImportMode }): Promise<void>;
  /**
   * Every record, read in one transaction so that a backup is a consistent snapshot (`audit` in `seq` order).
   * Optional: exporters fall back to reading interview by interview.
   */
  exportRecords?(): Promise<StoreRecords>;

  close(): void;
}
