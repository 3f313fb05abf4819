// Share packages: exactly the part of a client's records a consent covers, checked on both sides, and stored read-only.
import { formatPath } from '../definition/problems.js';
import { z } from '../definition/zod.js';
import { nowWithOffset } from '../storage/audit-chain.js';
import type { AnswerRecord, ClientRecord, InterviewRecord, ScoreRecord, StoreRecords } from '../storage/types.js';
import {
  checkConsent,
  ConsentScopeSchema,
  consentStatus,
  GivenHowSchema,
  InstantSchema,
  instantOf,
  OrganisationSchema,
  problemsOf,
  RecordIdSchema,
  SlugSchema,
  type ConsentRecord,
  type ConsentScope,
  type Organisation,
} from './consent.js';
import { SharingError, type SharingProblem } from './errors.js';

export const SHARE_FORMAT = 'asi-interview/share';
export const SHARE_FORMAT_VERSION = 1;

// ---------------------------------------------------------------------------------------------------------------
// Schema. Every object is strict (an unknown key, `__proto__` included, is an error) and every list and text has a
// bound, so a crafted package costs bounded work; the fixed shape has no recursion, so depth is bounded too.

/** The definition format's rule for item and score ids; it also keeps `__proto__` out of the `inputs` record. */
const ItemId = z
  .string()
  .max(64, 'At most 64 characters')
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Use letters, digits and _ only, starting with a letter');
/** Stored timestamps are kept as the sender's store wrote them (as bundles do); only package times are strict. */
const Timestamp = z.string().min(1, 'Must not be empty').max(64, 'At most 64 characters');
const Value = z.union([z.number(), z.string().max(100_000, 'At most 100,000 characters')], { error: 'Expected a number or text' });
const Ref = z.strictObject({ id: z.string().min(1).max(200), version: z.string().min(1).max(64) });

const SharedScoreSchema = z.strictObject({
  scoreId: ItemId,
  value: z.number().nullable(),
  computedAt: Timestamp,
  algorithm: Ref,
  instrument: Ref,
  /** Items the score lacked: how complete it is, a fact about the result rather than an answer. */
  missing: z.array(ItemId).max(10_000),
  /** The answers the score was computed from: only when the consent covers answers. */
  inputs: z.record(ItemId, Value.nullable()).optional(),
});

const SharedAnswerSchema = z.strictObject({
  itemId: ItemId,
  value: Value,
  source: z.enum(['entered', 'autofill']),
});

const SharedInterviewSchema = z.strictObject({
  /** The sender's id, namespaced by the recipient (see receivedRecords). */
  id: RecordIdSchema,
  instrumentId: SlugSchema,
  instrumentVersion: z.string().min(1).max(64),
  round: SlugSchema,
  mode: z.enum(['interviewer', 'self']),
  startedAt: Timestamp,
  completedAt: Timestamp,
  scores: z.array(SharedScoreSchema).max(1_000),
  /** Present exactly when the consent's content is `answers`. */
  answers: z.array(SharedAnswerSchema).max(10_000).optional(),
});

const ConsentSummarySchema = z.strictObject({
  id: RecordIdSchema,
  scope: ConsentScopeSchema,
  validFrom: InstantSchema,
  validUntil: InstantSchema,
  givenHow: GivenHowSchema,
});

const SharedClientSchema = z.strictObject({
  code: z.string().min(1, 'Must not be empty').max(200),
  sex: z.enum(['female', 'male', 'other', 'unknown']),
  birthYear: z.number().int().min(1800).max(2200).optional(),
});

const unique = <T>(records: readonly T[], key: (r: T) => string, path: (i: number) => (string | number)[], what: (r: T) => string, ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  records.forEach((record, i) => {
    const k = key(record);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: path(i), message: `${what(record)} appears twice` });
    seen.add(k);
  });
};

export const SharePackageSchema = z
  .strictObject({
    format: z.literal(SHARE_FORMAT),
    formatVersion: z.literal(SHARE_FORMAT_VERSION),
    id: RecordIdSchema,
    createdAt: InstantSchema,
    sender: OrganisationSchema,
    recipient: OrganisationSchema,
    consent: ConsentSummarySchema,
    client: SharedClientSchema,
    interviews: z.array(SharedInterviewSchema).min(1, 'A package holds at least one interview').max(2_000, 'At most 2,000 interviews'),
  })
  .superRefine((pkg, ctx) => {
    // What the consent summary says must hold for what the package carries: the recipient re-checks the sender.
    const { scope, validFrom, validUntil } = pkg.consent;
    if (pkg.sender.id === pkg.recipient.id) ctx.addIssue({ code: 'custom', path: ['recipient', 'id'], message: 'The recipient is the sender itself' });
    const created = Date.parse(pkg.createdAt);
    if (Date.parse(validUntil) <= Date.parse(validFrom)) ctx.addIssue({ code: 'custom', path: ['consent', 'validUntil'], message: 'Must be after validFrom' });
    if (created < Date.parse(validFrom) || created > Date.parse(validUntil)) {
      ctx.addIssue({ code: 'custom', path: ['createdAt'], message: `The package was made outside the consent's period (${validFrom} to ${validUntil})` });
    }
    unique(pkg.interviews, (i) => i.id, (i) => ['interviews', i, 'id'], (i) => `Interview "${i.id}"`, ctx);
    pkg.interviews.forEach((interview, i) => {
      if (!scope.instruments.includes(interview.instrumentId)) {
        ctx.addIssue({ code: 'custom', path: ['interviews', i, 'instrumentId'], message: `Instrument "${interview.instrumentId}" is outside the consent's scope` });
      }
      if (!scope.rounds.includes(interview.round)) {
        ctx.addIssue({ code: 'custom', path: ['interviews', i, 'round'], message: `Round "${interview.round}" is outside the consent's scope` });
      }
      if (scope.content === 'results' && interview.answers !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['interviews', i, 'answers'], message: 'The consent covers results only: answers are outside its scope' });
      }
      if (scope.content === 'answers' && interview.answers === undefined) {
        ctx.addIssue({ code: 'custom', path: ['interviews', i, 'answers'], message: 'The consent covers answers, but the interview has none listed' });
      }
      interview.scores.forEach((score, s) => {
        if (scope.content === 'results' && score.inputs !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['interviews', i, 'scores', s, 'inputs'], message: 'The consent covers results only: a score\'s inputs are answers' });
        }
      });
      unique(interview.scores, (s) => s.scoreId, (j) => ['interviews', i, 'scores', j, 'scoreId'], (s) => `Score "${s.scoreId}"`, ctx);
      unique(interview.answers ?? [], (a) => a.itemId, (j) => ['interviews', i, 'answers', j, 'itemId'], (a) => `The answer to "${a.itemId}"`, ctx);
    });
  });

export type SharePackage = z.infer<typeof SharePackageSchema>;
export type SharedInterview = SharePackage['interviews'][number];
export type ConsentSummary = SharePackage['consent'];

export type SharePackageResult = { ok: true; package: SharePackage } | { ok: false; problems: SharingProblem[] };

/** A package is six levels deep at most; anything deeper is not one, and is not walked further. */
const MAX_DEPTH = 12;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * zod drops a `__proto__` key silently (it never pollutes), but a package that carries one was made to attack, so it
 * is refused by name rather than accepted without it.
 */
function hostileKeys(doc: unknown): SharingProblem[] {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: doc, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length > MAX_DEPTH) return [{ path: formatPath(path), message: `Nested too deeply (more than ${MAX_DEPTH} levels)` }];
    if (Array.isArray(value)) value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    else
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) return [{ path: formatPath([...path, key]), message: `Key "${key}" is not allowed` }];
        stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
      }
  }
  return [];
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Checks a share package (opened from an envelope, or built in code) and returns a validated copy: its shape and
 * bounds, and that everything in it lies within the consent summary it carries. Never throws.
 */
export function checkSharePackage(doc: unknown): SharePackageResult {
  // The two fields that say what the document is get their own messages: "wrong file" and "too new" need different actions.
  if (!isObject(doc) || doc.format !== SHARE_FORMAT) {
    return { ok: false, problems: [{ path: 'format', message: `This is not a share package (expected "format": "${SHARE_FORMAT}")` }] };
  }
  if (typeof doc.formatVersion === 'number' && doc.formatVersion > SHARE_FORMAT_VERSION) {
    return {
      ok: false,
      problems: [{ path: 'formatVersion', message: `The package is of format version ${doc.formatVersion}; this version of the app reads version ${SHARE_FORMAT_VERSION}. Update the app` }],
    };
  }
  const hostile = hostileKeys(doc);
  if (hostile.length) return { ok: false, problems: hostile };
  const parsed = SharePackageSchema.safeParse(doc);
  return parsed.success ? { ok: true, package: parsed.data } : { ok: false, problems: problemsOf(parsed.error) };
}

/** The same, throwing a SharingError 'invalid' that lists the problems. */
export function assertSharePackage(doc: unknown, what = 'The share package'): SharePackage {
  const result = checkSharePackage(doc);
  if (!result.ok) throw new SharingError('invalid', `${what} was not accepted`, result.problems);
  return result.package;
}

// ---------------------------------------------------------------------------------------------------------------
// Building (the sender)

export interface BuildOptions {
  /** The unit making the package. */
  sender: Organisation;
  /** Now, from the caller's clock (default: the system clock); the consent must be valid at this moment. */
  at?: Date | string;
  /** Default: a random UUID. */
  packageId?: string;
  /** When given, the consent must be this client's (guards a consent picked from the wrong client's list). */
  clientId?: string;
}

const byInstant = (a: InterviewRecord, b: InterviewRecord) =>
  (Date.parse(a.startedAt) || 0) - (Date.parse(b.startedAt) || 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const byKey =
  <T>(key: (r: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

const inScope = (scope: ConsentScope, interview: InterviewRecord) =>
  interview.status === 'completed' && scope.instruments.includes(interview.instrumentId) && scope.rounds.includes(interview.round);

/**
 * The share package a consent allows: the client's completed interviews whose instrument and round the consent names,
 * their scores, and their answers only when the consent covers answers. Fields are copied one by one into new objects
 * (never spread from a record), so that whatever a record also holds (interviewer, snapshot, position, reasons, notes,
 * audit events) cannot reach the package, now or when records gain fields later.
 * Refuses (SharingError) a consent that is withdrawn at any time, not valid at `at`, for another client, or that
 * covers nothing; the result is checked with {@link checkSharePackage} before it is returned.
 */
export function buildSharePackage(records: StoreRecords, consentRecord: ConsentRecord, options: BuildOptions): SharePackage {
  const consent = checkConsent(consentRecord);
  const sender = parseOrganisation(options.sender, 'The sender');
  const at = options.at ?? new Date();
  const createdAt = typeof at === 'string' ? at : nowWithOffset(at);
  instantOf(createdAt, 'The package time');

  if (consent.withdrawal) {
    throw new SharingError('withdrawn', `Consent ${consent.id} was withdrawn at ${consent.withdrawal.at}: nothing can be shared under it`);
  }
  const status = consentStatus(consent, createdAt);
  if (status.status !== 'valid') throw new SharingError(status.status, `Nothing can be shared under consent ${consent.id}: ${status.reason}`);
  if (sender.id === consent.organisation.id) {
    throw new SharingError('invalid', `The consent names this unit itself (${sender.id}) as the recipient`);
  }
  if (options.clientId !== undefined && options.clientId !== consent.clientId) {
    throw new SharingError('other-client', `Consent ${consent.id} is client ${consent.clientId}'s, not client ${options.clientId}'s`);
  }
  const client = records.clients.find((c) => c.id === consent.clientId);
  if (!client) throw new SharingError('other-client', `Consent ${consent.id} is for client ${consent.clientId}, who is not in these records`);

  const { scope } = consent;
  const interviews = records.interviews.filter((i) => i.clientId === client.id && inScope(scope, i)).sort(byInstant);
  if (interviews.length === 0) {
    throw new SharingError(
      'nothing-in-scope',
      `Client ${client.code} has no completed interview of ${scope.instruments.join(', ')} in round ${scope.rounds.join(', ')}: there is nothing to share under consent ${consent.id}`,
    );
  }
  const ids = new Set(interviews.map((i) => i.id));
  const scores = groupBy(records.scores.filter((s) => ids.has(s.interviewId)), (s) => s.interviewId);
  const answers = groupBy(records.answers.filter((a) => ids.has(a.interviewId)), (a) => a.interviewId);
  const withAnswers = scope.content === 'answers';

  const pkg: SharePackage = {
    format: SHARE_FORMAT,
    formatVersion: SHARE_FORMAT_VERSION,
    id: options.packageId ?? globalThis.crypto.randomUUID(),
    createdAt,
    sender: { id: sender.id, name: sender.name },
    recipient: { id: consent.organisation.id, name: consent.organisation.name },
    consent: {
      id: consent.id,
      scope: { instruments: [...scope.instruments], rounds: [...scope.rounds], content: scope.content },
      validFrom: consent.validFrom,
      validUntil: consent.validUntil,
      givenHow: consent.givenHow,
    },
    client: { code: client.code, sex: client.sex, ...(client.birthYear !== undefined ? { birthYear: client.birthYear } : {}) },
    interviews: interviews.map((interview) => ({
      id: interview.id,
      instrumentId: interview.instrumentId,
      instrumentVersion: interview.instrumentVersion,
      round: interview.round,
      mode: interview.mode,
      startedAt: interview.startedAt,
      // A completed interview without completedAt (a hand-made import) is dated by its last change.
      completedAt: interview.completedAt ?? interview.updatedAt,
      scores: (scores.get(interview.id) ?? []).sort(byKey((s) => s.scoreId)).map((score) => ({
        scoreId: score.scoreId,
        value: score.value,
        computedAt: score.computedAt,
        algorithm: { id: score.provenance.algorithm.id, version: score.provenance.algorithm.version },
        instrument: { id: score.provenance.instrument.id, version: score.provenance.instrument.version },
        missing: [...score.provenance.missing],
        ...(withAnswers ? { inputs: { ...score.provenance.inputs } } : {}),
      })),
      ...(withAnswers
        ? {
            answers: (answers.get(interview.id) ?? [])
              .sort(byKey((a) => a.itemId))
              .map((answer) => ({ itemId: answer.itemId, value: answer.value, source: answer.source })),
          }
        : {}),
    })),
  };
  return assertSharePackage(pkg, 'The package made from these records');
}

function parseOrganisation(value: unknown, what: string): Organisation {
  const result = OrganisationSchema.safeParse(value);
  if (!result.success) throw new SharingError('invalid', `${what} was not accepted`, problemsOf(result.error));
  return result.data;
}

function groupBy<T>(records: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    const k = key(record);
    const group = groups.get(k);
    if (group) group.push(record);
    else groups.set(k, [record]);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------------------------
// Receiving (the recipient)

/**
 * Received records are told apart from a unit's own in two ways, both needed:
 * - **ids in a namespace of their own**, `share:<sender organisation id>:<sender's id>` (the client's is
 *   `share:<sender>:client:<code>`, as a package carries no client id). They never clash with the recipient's own ids
 *   (random UUIDs), nor with another sender's, since organisation ids hold no ":". Receiving a later package from the
 *   same sender about the same interview yields the same id, so an import in `replace` mode updates it instead of
 *   adding a copy. Any store or view can tell a record is shared, and from whom, from its id alone
 *   ({@link sharedOrigin}), which survives a bundle or a sync that drops unknown fields.
 * - **`sharedFrom`** on the client and interview records: the sending organisation's name, the package, the consent
 *   and its end, for the timeline's label and for removing what was received once the consent has run out.
 * Read-only is the recipient's to enforce: a store or view must refuse answers, status changes and reopening for an
 * interview whose id is shared. No audit events are made here: the sender's trail stays with the sender (it names
 * staff), and "package received" is the recipient's own audit event.
 */
export const SHARED_ID_PREFIX = 'share:';

export const sharedRecordId = (senderId: string, id: string): string => `${SHARED_ID_PREFIX}${senderId}:${id}`;

/** The sending organisation's id when `id` is a received record's, else undefined (the unit's own record). */
export function sharedOrigin(id: string): string | undefined {
  if (typeof id !== 'string' || !id.startsWith(SHARED_ID_PREFIX)) return undefined;
  const end = id.indexOf(':', SHARED_ID_PREFIX.length);
  return end > SHARED_ID_PREFIX.length ? id.slice(SHARED_ID_PREFIX.length, end) : undefined;
}

export interface SharedFrom {
  organisation: Organisation;
  packageId: string;
  consentId: string;
  content: ConsentScope['content'];
  /** After this moment the recipient should no longer show (and should remove) what it received. */
  validUntil: string;
  sharedAt: string;
}

export type SharedClientRecord = ClientRecord & { sharedFrom: SharedFrom };
export type SharedInterviewRecord = InterviewRecord & { sharedFrom: SharedFrom };

/** StoreRecords as the recipient stores them: namespaced ids, marked with the sender, and no audit events. */
export interface ReceivedRecords extends StoreRecords {
  clients: SharedClientRecord[];
  interviews: SharedInterviewRecord[];
  answers: AnswerRecord[];
  scores: ScoreRecord[];
  audit: [];
}

export interface ReceiveOptions {
  /**
   * The recipient's own client the package is about, so that the received rounds show in that client's timeline and
   * comparison beside its own. Without it, a client record of the sender's code is made in the sender's namespace.
   */
  clientId?: string;
}

/**
 * The records a recipient stores for a share package (checked again here: it may have been built in code). Scores keep
 * their values; in a results-only package their `inputs` are empty, so a recipient must show the received scores and
 * never recompute them from answers it does not have.
 */
export function receivedRecords(pkg: SharePackage, options: ReceiveOptions = {}): ReceivedRecords {
  const p = assertSharePackage(pkg);
  const sender = p.sender.id;
  const sharedFrom = (): SharedFrom => ({
    organisation: { id: p.sender.id, name: p.sender.name },
    packageId: p.id,
    consentId: p.consent.id,
    content: p.consent.scope.content,
    validUntil: p.consent.validUntil,
    sharedAt: p.createdAt,
  });
  if (options.clientId !== undefined && (typeof options.clientId !== 'string' || options.clientId === '' || sharedOrigin(options.clientId) !== undefined)) {
    throw new SharingError('invalid', 'The client to attach a package to must be one of this unit\'s own clients (not a shared one)');
  }
  const clientId = options.clientId ?? sharedRecordId(sender, `client:${p.client.code}`);
  const clients: SharedClientRecord[] =
    options.clientId !== undefined
      ? []
      : [
          {
            id: clientId,
            code: p.client.code,
            sex: p.client.sex,
            ...(p.client.birthYear !== undefined ? { birthYear: p.client.birthYear } : {}),
            createdAt: p.createdAt,
            updatedAt: p.createdAt,
            sharedFrom: sharedFrom(),
          },
        ];
  const interviews: SharedInterviewRecord[] = [];
  const answers: AnswerRecord[] = [];
  const scores: ScoreRecord[] = [];
  for (const interview of p.interviews) {
    const id = sharedRecordId(sender, interview.id);
    interviews.push({
      id,
      clientId,
      instrumentId: interview.instrumentId,
      instrumentVersion: interview.instrumentVersion,
      round: interview.round,
      status: 'completed',
      mode: interview.mode,
      startedAt: interview.startedAt,
      updatedAt: interview.completedAt,
      completedAt: interview.completedAt,
      sharedFrom: sharedFrom(),
    });
    for (const answer of interview.answers ?? []) {
      answers.push({ interviewId: id, itemId: answer.itemId, value: answer.value, source: answer.source, updatedAt: interview.completedAt });
    }
    for (const score of interview.scores) {
      scores.push({
        interviewId: id,
        scoreId: score.scoreId,
        value: score.value,
        provenance: { algorithm: score.algorithm, instrument: score.instrument, inputs: score.inputs ?? {}, missing: score.missing },
        computedAt: score.computedAt,
      });
    }
  }
  return { clients, interviews, answers, scores, audit: [] };
}
