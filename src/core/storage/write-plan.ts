// Store-independent rules for a write: validation, which answers and audit events a save produces, error mapping.
import type { AuditDraft } from './audit-chain.js';
import { ProtectionError } from '../protection/errors.js';
import { StorageError } from './types.js';
import type { AnswerChange, AnswerRecord, AuditEvent, InterviewRecord, InterviewStatus, SaveOptions, StoreRecords } from './types.js';

export type InterviewPatch = NonNullable<SaveOptions['interview']>;

export interface WritePlan {
  puts: AnswerRecord[];
  /** Item ids whose stored answer is removed. */
  deletes: string[];
  drafts: AuditDraft[];
  /** Applied to the interview as read inside the write transaction, so concurrent position saves are not lost. */
  patch: InterviewPatch & { updatedAt: string };
}

const STATUSES: readonly InterviewStatus[] = ['in-progress', 'paused', 'completed', 'terminated'];
const FIXED_FIELDS = ['id', 'clientId', 'instrumentId', 'instrumentVersion'];

const invalid = (message: string) => new StorageError('invalid', message);

/** Rejects a malformed write before anything is read or written. */
export function validateWrite(changes: readonly AnswerChange[], options: { actor: string; interview?: InterviewPatch }): void {
  if (!Array.isArray(changes)) throw invalid('Answers to save must be a list.');
  if (typeof options?.actor !== 'string') throw invalid('Every change must name who made it (actor).');
  for (const change of changes) {
    if (typeof change?.itemId !== 'string' || change.itemId === '') throw invalid('An answer is missing its item id.');
    const { value } = change;
    if (value !== null && typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw invalid(`The answer to ${change.itemId} is not a number or text, so it was not saved.`);
    }
    if (change.source !== 'entered' && change.source !== 'autofill') {
      throw invalid(`The answer to ${change.itemId} has an unknown source.`);
    }
  }
  const patch = options.interview ?? {};
  const fixed = FIXED_FIELDS.find((field) => field in patch);
  if (fixed) throw invalid(`An interview's ${fixed} cannot be changed.`);
  if (patch.status !== undefined && !STATUSES.includes(patch.status)) throw invalid(`Unknown interview status "${patch.status}".`);
}

/** Works out the answers to write and one audit event per value that actually changes (in order, so repeats chain). */
export function planWrite(
  interview: InterviewRecord,
  current: readonly AnswerRecord[],
  changes: readonly AnswerChange[],
  options: { actor: string; reason?: string; interview?: InterviewPatch },
  at: string,
): WritePlan {
  const stored = new Map(current.map((a) => [a.itemId, a]));
  const working = new Map<string, AnswerRecord | undefined>(stored);
  const drafts: AuditDraft[] = [];
  const reason = options.reason === undefined ? {} : { reason: options.reason };
  const draft = (type: AuditDraft['type'], itemId: string | null, old: AuditDraft['old'], value: AuditDraft['new']) =>
    drafts.push({ interviewId: interview.id, type, itemId, old, new: value, at, actor: options.actor, ...reason });

  for (const { itemId, value, source } of changes) {
    const prev = working.get(itemId);
    if (value === null) {
      if (prev) draft('answer', itemId, prev.value, null);
      working.set(itemId, undefined);
    } else if (!prev || prev.value !== value || prev.source !== source) {
      if (prev?.value !== value) draft('answer', itemId, prev?.value ?? null, value);
      working.set(itemId, { interviewId: interview.id, itemId, value, source, updatedAt: at });
    }
  }

  const puts: AnswerRecord[] = [];
  const deletes: string[] = [];
  for (const [itemId, record] of working) {
    if (record && record !== stored.get(itemId)) puts.push(record);
    else if (!record && stored.has(itemId)) deletes.push(itemId);
  }

  const patch = { ...options.interview, updatedAt: at };
  if (patch.status !== undefined && patch.status !== interview.status) draft('status', null, interview.status, patch.status);
  return { puts, deletes, drafts, patch };
}

/**
 * Runs tasks one after another. A store seals audit events (awaiting crypto) between reading the last hash and writing,
 * so its own overlapping saves must queue rather than chain from the same hash.
 */
export function serialized(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

export const notFound = (interviewId: string) =>
  new StorageError('not-found', `Interview ${interviewId} was not found in local storage, so nothing was saved.`);

/** Newest first by start time; offsets differ across daylight saving, so compare instants, not strings. */
export function newestFirst(a: InterviewRecord, b: InterviewRecord): number {
  return Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Every failure leaves as a StorageError with a message an interviewer can act on. */
export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  if (error instanceof ProtectionError) {
    const code = error.code === 'integrity' || error.code === 'locked' ? error.code : 'unknown';
    return new StorageError(code, error.message, error);
  }
  switch ((error as { name?: unknown } | null)?.name) {
    case 'QuotaExceededError':
      return new StorageError('quota', 'The device storage is full, so the last change was not saved. Free up space or export a backup.', error);
    case 'InvalidStateError':
      return new StorageError('closed', 'The connection to local storage was lost, so the last change was not saved.', error);
    case 'VersionError':
      return new StorageError('closed', 'A newer version of this app has upgraded local storage: reload the page.', error);
    case 'DataCloneError':
      return new StorageError('invalid', 'The data could not be stored (it contains something that cannot be saved).', error);
    case 'ConstraintError':
      return new StorageError('invalid', 'A record with this id already exists.', error);
    default:
      return new StorageError('aborted', 'Saving to local storage failed, so the last change was not saved. Try again.', error);
  }
}

const RECORD_LISTS = ['clients', 'interviews', 'answers', 'audit', 'scores'] as const;

/** Rejects an import that is not five lists or that repeats a key, before anything is read or written. */
export function validateImport(records: StoreRecords): void {
  for (const list of RECORD_LISTS) {
    if (!Array.isArray(records?.[list])) throw invalid(`An import needs a list of ${list}, so nothing was imported.`);
  }
  const once = <T>(items: readonly T[], key: (item: T) => string, what: (item: T) => string) => {
    const seen = new Set<string>();
    for (const item of items) {
      const k = key(item);
      if (seen.has(k)) throw invalid(`The import contains ${what(item)} twice, so nothing was imported.`);
      seen.add(k);
    }
  };
  once(records.clients, (c) => c.id, (c) => `client ${c.id}`);
  once(records.interviews, (i) => i.id, (i) => `interview ${i.id}`);
  once(records.answers, (a) => `${a.interviewId}\u0000${a.itemId}`, (a) => `the answer to ${a.itemId} in interview ${a.interviewId}`);
  once(records.scores, (s) => `${s.interviewId}\u0000${s.scoreId}`, (s) => `score ${s.scoreId} of interview ${s.interviewId}`);
}

/** Ids an import refers to without carrying them: they must already be stored. */
export function importReferences(records: StoreRecords): { clientIds: string[]; interviewIds: string[] } {
  const clients = new Set(records.clients.map((c) => c.id));
  const interviews = new Set(records.interviews.map((i) => i.id));
  const clientIds = new Set(records.interviews.map((i) => i.clientId).filter((id) => !clients.has(id)));
  const interviewIds = new Set(
    [...records.answers, ...records.audit, ...records.scores].map((r) => r.interviewId).filter((id) => !interviews.has(id)),
  );
  return { clientIds: [...clientIds], interviewIds: [...interviewIds] };
}

export const danglingImport = (what: 'client' | 'interview', id: string) =>
  new StorageError('invalid', `The import refers to ${what} ${id}, which is neither stored nor imported, so nothing was imported.`);

export const alreadyStored = (what: string, cause?: unknown) =>
  new StorageError('invalid', `${what} already exists in local storage, so nothing was imported.`, cause);

/**
 * Checks that each interview's imported events continue its stored log (`storedTip`: its last stored hash, '' if
 * none) and one another, so that appending them keeps every chain whole.
 */
export function checkImportedChains(audit: readonly AuditEvent[], storedTip: ReadonlyMap<string, string>): void {
  const tip = new Map(storedTip);
  for (const event of audit) {
    if (event.prevHash !== (tip.get(event.interviewId) ?? '')) {
      throw invalid(`The imported audit events of interview ${event.interviewId} do not continue its audit log, so nothing was imported.`);
    }
    tip.set(event.interviewId, event.hash);
  }
}

/** An event as imported: the store assigns `seq`. */
export function withoutSeq(event: AuditEvent): AuditEvent {
  const { seq: _seq, ...rest } = event;
  return rest;
}
