// Consent records: which organisation may receive which of a client's interviews, for how long, and its withdrawal.
import { formatPath } from '../definition/problems.js';
import { z } from '../definition/zod.js';
import { nowWithOffset } from '../storage/audit-chain.js';
import { SharingError, type SharingProblem } from './errors.js';

// ---------------------------------------------------------------------------------------------------------------
// Field schemas shared with share packages

/**
 * A moment as ISO 8601 with a UTC offset. A bare date is refused on purpose: "valid until 2027-06-30" ends at a
 * different instant in Stockholm and on a server in UTC, and a consent's end must be one instant for both units.
 * A date picker's day becomes its start (validFrom) or its end (validUntil) in the caller, who knows the zone.
 */
// zod's pattern also checks the calendar (no 30 February), so Date.parse of a value it passes is always a number.
export const InstantSchema = z.iso.datetime({ offset: true, error: 'Expected a date and time with a UTC offset, such as 2026-12-01T09:30:00+01:00' });

/** No ":" so that a namespaced id `share:<organisation>:<id>` splits without ambiguity; see package.ts. */
const ORGANISATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const Named = z
  .string()
  .max(200, 'At most 200 characters')
  .refine((text) => text.trim() !== '', 'Must not be empty or blank');

export const OrganisationSchema = z.strictObject({
  id: z.string().regex(ORGANISATION_ID, 'Use letters, digits, ".", "_" and "-" only (at most 64), starting with a letter or digit'),
  name: Named,
});
export type Organisation = z.infer<typeof OrganisationSchema>;

/** The definition format's rule for instrument and round ids. */
export const SlugSchema = z
  .string()
  .max(64, 'At most 64 characters')
  .regex(/^[a-z][a-z0-9-]*$/, 'Use lower-case letters, digits and - only, starting with a letter');

export const RecordIdSchema = z.string().min(1, 'Must not be empty').max(200, 'At most 200 characters');

const unique = (values: readonly string[]) => new Set(values).size === values.length;
const IdList = (what: string) =>
  z
    .array(SlugSchema)
    .min(1, `Name at least one ${what}`)
    .max(100, `At most 100 ${what}s`)
    .refine(unique, `Name each ${what} once`);

export const ConsentScopeSchema = z.strictObject({
  /** Instrument ids (asi, audit, dudit, …). */
  instruments: IdList('instrument'),
  /** Round ids of those instruments (grund, screening, follow-up, …); an interview must match both lists. */
  rounds: IdList('round'),
  /** `results`: scores only. `answers`: scores and every answer of the interviews in scope. */
  content: z.enum(['results', 'answers'], { error: 'Expected "results" or "answers"' }),
});
export type ConsentScope = z.infer<typeof ConsentScopeSchema>;

export const GivenHowSchema = z.enum(['written', 'verbal', 'digital'], { error: 'Expected "written", "verbal" or "digital"' });
export type GivenHow = z.infer<typeof GivenHowSchema>;

const Note = z.string().max(2000, 'At most 2,000 characters');

export const WithdrawalSchema = z.strictObject({
  at: InstantSchema,
  /** Who recorded the withdrawal (staff name or id); stays in this unit, never in a package. */
  by: Named,
  how: GivenHowSchema,
  note: Note.optional(),
});
export type Withdrawal = z.infer<typeof WithdrawalSchema>;

const consentFields = {
  id: RecordIdSchema,
  clientId: RecordIdSchema,
  /** The organisation (unit) that may receive the interviews. */
  organisation: OrganisationSchema,
  scope: ConsentScopeSchema,
  validFrom: InstantSchema,
  validUntil: InstantSchema,
  givenHow: GivenHowSchema,
  /** Who recorded the consent; stays in this unit, never in a package. */
  recordedBy: Named,
  recordedAt: InstantSchema,
  note: Note.optional(),
};

type Period = { validFrom: string; validUntil: string; recordedAt?: string; withdrawal?: { at: string } };

function checkPeriod(consent: Period, ctx: z.RefinementCtx): void {
  if (Date.parse(consent.validUntil) <= Date.parse(consent.validFrom)) {
    ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `Must be after validFrom (${consent.validFrom})` });
  }
  if (consent.withdrawal && consent.recordedAt && Date.parse(consent.withdrawal.at) < Date.parse(consent.recordedAt)) {
    ctx.addIssue({ code: 'custom', path: ['withdrawal', 'at'], message: `Must not be before the consent was recorded (${consent.recordedAt})` });
  }
}

export const ConsentSchema = z.strictObject({ ...consentFields, withdrawal: WithdrawalSchema.optional() }).superRefine(checkPeriod);
export type ConsentRecord = z.infer<typeof ConsentSchema>;

/** What a person fills in: the id and the time of recording default to a random UUID and now. No withdrawal yet. */
const ConsentDraftSchema = z
  .strictObject({ ...consentFields, id: RecordIdSchema.optional(), recordedAt: InstantSchema.optional() })
  .superRefine(checkPeriod);
export type ConsentDraft = z.input<typeof ConsentDraftSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Operations

const MAX_PROBLEMS = 50;

export function problemsOf(error: z.ZodError): SharingProblem[] {
  const problems = error.issues.map((issue) => ({
    path: formatPath(issue.path as (string | number)[]),
    // zod's "Invalid input: expected string, received undefined" reads as a type error; for a person it is a missing field.
    message: issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? `Missing (expected ${issue.expected})` : issue.message,
  }));
  return problems.length <= MAX_PROBLEMS
    ? problems
    : [...problems.slice(0, MAX_PROBLEMS), { path: '', message: `…and ${problems.length - MAX_PROBLEMS} more problems` }];
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new SharingError('invalid', `${what} was not accepted`, problemsOf(result.error));
  return result.data;
}

/** Checks a stored consent (it may come from storage, a sync or a hand-made file) and returns a validated copy. */
export const checkConsent = (consent: unknown): ConsentRecord => parse(ConsentSchema, consent, 'The consent');

/** A new consent record from what was filled in; every problem is reported with its field, all at once. */
export function createConsent(draft: ConsentDraft, options: { now?: Date } = {}): ConsentRecord {
  const checked = parse(ConsentDraftSchema, draft, 'The consent');
  return checkConsent({ ...checked, id: checked.id ?? globalThis.crypto.randomUUID(), recordedAt: checked.recordedAt ?? nowWithOffset(options.now ?? new Date()) });
}

/**
 * The consent with its withdrawal recorded, as a new record (the old one is not changed). A consent is withdrawn
 * once: a second withdrawal is refused, so the first one's date and recorder are never overwritten.
 */
export function withdrawConsent(consent: ConsentRecord, withdrawal: Withdrawal): ConsentRecord {
  const current = checkConsent(consent);
  if (current.withdrawal) {
    throw new SharingError('withdrawn', `Consent ${current.id} was already withdrawn at ${current.withdrawal.at}; a withdrawal is recorded once`);
  }
  return checkConsent({ ...current, withdrawal: parse(WithdrawalSchema, withdrawal, 'The withdrawal') });
}

export type ConsentState = 'valid' | 'not-yet' | 'expired' | 'withdrawn';

export interface ConsentStatus {
  status: ConsentState;
  /** One plain sentence for the person about to share, or for the log. */
  reason: string;
}

/** `at` as an instant: a Date, or an ISO 8601 date and time with offset. */
export function instantOf(at: Date | string, what = 'The time'): number {
  const ms = typeof at === 'string' ? Date.parse(parse(InstantSchema, at, what)) : at instanceof Date ? at.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new SharingError('invalid', `${what} is not a valid date and time`);
  return ms;
}

/**
 * What the consent allows at `at`. Withdrawal counts from its own time, so that "was this package made under a
 * valid consent?" can be answered for the past; making a package refuses any withdrawn consent whatever `at` is.
 * Both ends of the period are inclusive.
 */
export function consentStatus(consent: ConsentRecord, at: Date | string = new Date()): ConsentStatus {
  const c = checkConsent(consent);
  const t = instantOf(at);
  if (c.withdrawal && t >= Date.parse(c.withdrawal.at)) {
    return { status: 'withdrawn', reason: `The consent was withdrawn at ${c.withdrawal.at} (${c.withdrawal.how}).` };
  }
  if (t < Date.parse(c.validFrom)) return { status: 'not-yet', reason: `The consent is valid only from ${c.validFrom}.` };
  if (t > Date.parse(c.validUntil)) return { status: 'expired', reason: `The consent expired at ${c.validUntil}.` };
  return { status: 'valid', reason: `The consent is valid until ${c.validUntil}.` };
}
