// JSON bundles: the lossless, versioned backup and exchange format; export, parse and check, merge, and atomic import.
import { builtinDefinitionAt, BUILTIN_INSTRUMENTS } from '../definition/builtin.js';
import { checkAnswer, type CompiledInstrument } from '../definition/compiled.js';
import { loadInstrument } from '../definition/load.js';
import { formatPath, type DefinitionProblem } from '../definition/problems.js';
import { z } from '../definition/zod.js';
import { nowWithOffset, verifyChain } from '../storage/audit-chain.js';
import type {
  AnswerRecord,
  AuditEvent,
  ClientRecord,
  ImportMode,
  InterviewRecord,
  InterviewStore,
  ScoreRecord,
  StoreRecords,
} from '../storage/types.js';

export const BUNDLE_FORMAT = 'asi-interview-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
/** 200 MB: several years of a large unit's interviews, yet small enough to parse in a browser tab. */
export const DEFAULT_MAX_BUNDLE_BYTES = 200 * 1024 * 1024;

export interface InstrumentRef {
  id: string;
  version: string;
}

/**
 * Everything needed to restore interviews elsewhere. `audit` is in log order; events carry no `seq` (a store assigns
 * its own on import), so the array order is the record of it.
 */
export interface Bundle extends StoreRecords {
  format: typeof BUNDLE_FORMAT;
  formatVersion: typeof BUNDLE_FORMAT_VERSION;
  /** ISO 8601 with the local UTC offset. */
  exportedAt: string;
  /** Every instrument id@version an interview of the bundle was taken with. */
  instruments: InstrumentRef[];
}

/** A JSON path into the bundle (e.g. `answers[12].value`) and a plain-English message. */
export type BundleProblem = DefinitionProblem;

/** A bundle that cannot be parsed, merged or imported; `problems` name where and why. */
export class BundleError extends Error {
  readonly problems: BundleProblem[];
  constructor(problems: BundleProblem[], what = 'The bundle') {
    super(`${what} was not accepted:\n${problems.map((p) => `  ${p.path || '(bundle)'}: ${p.message}`).join('\n')}`);
    this.name = 'BundleError';
    this.problems = problems;
  }
}

export type BundleResult = { ok: true; bundle: Bundle } | { ok: false; problems: BundleProblem[] };

/** The compiled instrument for an id@version, or undefined when it is not known here (its answers are then not checked). */
export type ResolveInstrument = (id: string, version: string) => CompiledInstrument | undefined | Promise<CompiledInstrument | undefined>;

export interface CheckOptions {
  /** Default: the instruments shipped with the library, when the version matches. */
  resolveInstrument?: ResolveInstrument;
}

export interface ParseOptions extends CheckOptions {
  /** Default 200 MB. Checked before the text is parsed. */
  maxBytes?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Schema

const Id = z.string().min(1, 'Must not be empty').max(200);
const Timestamp = z.string().max(64);
const ShortText = z.string().max(10_000);
const Value = z.union([z.number(), z.string().max(100_000)], { error: 'Expected a number or text' });
const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'Expected a SHA-256 hash (64 hexadecimal digits)');

const Client = z
  .object({
    id: Id,
    code: ShortText,
    sex: z.enum(['female', 'male', 'other', 'unknown']),
    birthYear: z.number().int().optional(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .strict();

const Interview = z
  .object({
    id: Id,
    clientId: Id,
    instrumentId: Id,
    instrumentVersion: Id,
    round: Id,
    status: z.enum(['in-progress', 'paused', 'completed', 'terminated']),
    mode: z.enum(['interviewer', 'self']),
    interviewer: ShortText.optional(),
    startedAt: Timestamp,
    updatedAt: Timestamp,
    completedAt: Timestamp.optional(),
    terminatedAt: Timestamp.optional(),
    terminationReason: ShortText.optional(),
    position: Id.optional(),
    snapshot: z.unknown().optional(),
  })
  .strict();

const Answer = z
  .object({
    interviewId: Id,
    itemId: Id,
    value: Value,
    source: z.enum(['entered', 'autofill']),
    updatedAt: Timestamp,
  })
  .strict();

const Event = z
  .object({
    // Accepted (and ignored) so that a hand-made bundle with store seqs still loads; exports never write it.
    seq: z.number().int().optional(),
    interviewId: Id,
    type: z.enum(['answer', 'status']),
    itemId: Id.nullable(),
    old: Value.nullable(),
    new: Value.nullable(),
    at: Timestamp,
    actor: ShortText,
    reason: ShortText.optional(),
    prevHash: z.union([z.literal(''), Hash], { error: 'Expected "" or a SHA-256 hash' }),
    hash: Hash,
  })
  .strict();

const Ref = z.object({ id: Id, version: Id }).strict();

const Score = z
  .object({
    interviewId: Id,
    scoreId: Id,
    value: z.number().nullable(),
    provenance: z
      .object({
        algorithm: Ref,
        instrument: Ref,
        inputs: z.record(Id, Value.nullable()),
        missing: z.array(Id),
      })
      .strict(),
    computedAt: Timestamp,
  })
  .strict();

/** The bundle schema (format version 1). */
export const BundleSchema = z
  .object({
    format: z.literal(BUNDLE_FORMAT),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    exportedAt: Timestamp,
    instruments: z.array(Ref),
    clients: z.array(Client),
    interviews: z.array(Interview),
    answers: z.array(Answer),
    audit: z.array(Event),
    scores: z.array(Score),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------------------
// Export

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Oldest first by instant (offsets differ across daylight saving), then by id, so that exports are deterministic. */
const chronological = (a: InterviewRecord, b: InterviewRecord) =>
  (Date.parse(a.startedAt) || 0) - (Date.parse(b.startedAt) || 0) || byString(a.id, b.id);

/** For stores without `exportRecords`: interview by interview (not one consistent snapshot). */
async function readEach(store: InterviewStore): Promise<StoreRecords> {
  const [clients, interviews] = await Promise.all([store.listClients(), store.listInterviews()]);
  const parts = await Promise.all(
    interviews.map(async (i) => ({
      answers: await store.getAnswers(i.id),
      audit: await store.getAuditLog(i.id),
      scores: await store.getScores(i.id),
    })),
  );
  return {
    clients,
    interviews,
    answers: parts.flatMap((p) => p.answers),
    audit: parts.flatMap((p) => p.audit).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0)),
    scores: parts.flatMap((p) => p.scores),
  };
}

function withoutSeq(event: AuditEvent): AuditEvent {
  const { seq: _seq, ...rest } = event;
  return rest;
}

export interface ExportFilter {
  /** These clients and all their interviews. */
  clientIds?: string[];
  /** These interviews and their clients. Given with `clientIds`, an interview must match both. */
  interviewIds?: string[];
}

/**
 * Everything needed to restore the store, or the filtered part of it: clients, interviews (with the instrument
 * version each was taken with), answers, each interview's whole audit log in order, and scores with provenance.
 * Without a filter every client is included, also those with no interview yet.
 */
/** The instrument versions a set of interviews was taken with, each once, sorted by `id@version`. */
export function instrumentRefs(interviews: readonly { instrumentId: string; instrumentVersion: string }[]): InstrumentRef[] {
  const refs = new Map(interviews.map((i) => [`${i.instrumentId}@${i.instrumentVersion}`, { id: i.instrumentId, version: i.instrumentVersion }]));
  return [...refs.entries()].sort(([a], [b]) => byString(a, b)).map(([, ref]) => ref);
}

export async function exportBundle(store: InterviewStore, filter: ExportFilter = {}, options: { now?: () => Date } = {}): Promise<Bundle> {
  const all = store.exportRecords ? await store.exportRecords() : await readEach(store);
  for (const [ids, what, known] of [
    [filter.clientIds, 'client', new Set(all.clients.map((c) => c.id))],
    [filter.interviewIds, 'interview', new Set(all.interviews.map((i) => i.id))],
  ] as const) {
    const unknown = ids?.filter((id) => !known.has(id)) ?? [];
    if (unknown.length) throw new Error(`Cannot export: no ${what} ${unknown.map((id) => `"${id}"`).join(', ')} in this store`);
  }
  const clientFilter = filter.clientIds && new Set(filter.clientIds);
  const interviewFilter = filter.interviewIds && new Set(filter.interviewIds);
  const interviews = all.interviews
    .filter((i) => (!clientFilter || clientFilter.has(i.clientId)) && (!interviewFilter || interviewFilter.has(i.id)))
    .sort(chronological);
  const interviewIds = new Set(interviews.map((i) => i.id));
  const clientIds = clientFilter ?? (interviewFilter ? new Set(interviews.map((i) => i.clientId)) : undefined);
  const mine = <T extends { interviewId: string }>(records: T[]) => records.filter((r) => interviewIds.has(r.interviewId));
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    exportedAt: nowWithOffset((options.now ?? (() => new Date()))()),
    instruments: instrumentRefs(interviews),
    clients: all.clients.filter((c) => !clientIds || clientIds.has(c.id)).sort((a, b) => byString(a.id, b.id)),
    interviews,
    answers: mine(all.answers).sort((a, b) => byString(a.interviewId, b.interviewId) || byString(a.itemId, b.itemId)),
    audit: mine(all.audit)
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
      .map(withoutSeq),
    scores: mine(all.scores).sort((a, b) => byString(a.interviewId, b.interviewId) || byString(a.scoreId, b.scoreId)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Parse and check

const MAX_DEPTH = 32;
/** Far above any real bundle's count for its size limit, but bounds the work a crafted file can cause. */
const MAX_VALUES = 50_000_000;
const MAX_PROBLEMS = 50;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rejects documents that are too deep or too large, or that carry prototype-polluting keys at any level, before
 * zod walks them. The same rules as the definition guard (`guardShape`), whose 200,000-value limit suits a
 * definition but not a unit's yearly backup of millions of answers.
 */
export function guardBundleShape(doc: unknown): BundleProblem[] {
  let values = 0;
  const path: (string | number)[] = [];
  let problem: BundleProblem | undefined;
  const walk = (value: unknown): void => {
    if (problem) return;
    if (++values > MAX_VALUES) {
      problem = { path: formatPath(path), message: `The bundle is too large (more than ${MAX_VALUES} values)` };
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (path.length >= MAX_DEPTH) {
      problem = { path: formatPath(path), message: `The bundle is nested too deeply (more than ${MAX_DEPTH} levels)` };
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && !problem; i++) {
        path.push(i);
        walk(value[i]);
        path.pop();
      }
      return;
    }
    for (const key of Object.keys(value)) {
      path.push(key);
      if (FORBIDDEN_KEYS.has(key)) problem = { path: formatPath(path), message: `Key "${key}" is not allowed` };
      else walk((value as Record<string, unknown>)[key]);
      path.pop();
      if (problem) return;
    }
  };
  walk(doc);
  return problem ? [problem] : [];
}

/** Bytes of the text as UTF-8, counted only as far as needed to know whether it exceeds `limit`. */
function exceedsBytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 bytes in UTF-8: 2 + 2 for its two halves.
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
    if (bytes > limit) return true;
  }
  return false;
}

function size(bytes: number): string {
  const round = (n: number) => Math.round(n * 10) / 10;
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MB`;
  return bytes >= 1024 ? `${round(bytes / 1024)} KB` : `${bytes} bytes`;
}

const capped = (problems: BundleProblem[]): BundleProblem[] =>
  problems.length <= MAX_PROBLEMS
    ? problems
    : [...problems.slice(0, MAX_PROBLEMS), { path: '', message: `…and ${problems.length - MAX_PROBLEMS} more problems` }];

/** Reads bundle text: size limit, JSON, shape guard, schema, then the integrity checks of {@link checkBundle}. */
export async function parseBundle(text: string, options: ParseOptions = {}): Promise<BundleResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  if (typeof text !== 'string') return { ok: false, problems: [{ path: '', message: 'A bundle must be given as text' }] };
  if (exceedsBytes(text, maxBytes)) {
    return { ok: false, problems: [{ path: '', message: `The file is too large: the limit is ${size(maxBytes)}` }] };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: `The file is not valid JSON (${(error as Error).message})` }] };
  }
  return checkBundle(doc, options);
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks a parsed document (or a bundle built in code) and returns a fresh, validated copy. */
export async function checkBundle(doc: unknown, options: CheckOptions = {}): Promise<BundleResult> {
  const guard = guardBundleShape(doc);
  if (guard.length) return { ok: false, problems: guard };
  // The two fields that say what the file is get their own messages: "wrong file" and "too new" need different actions.
  if (!isObject(doc) || doc.format !== BUNDLE_FORMAT) {
    return { ok: false, problems: [{ path: 'format', message: `This is not an asi-interview bundle (expected "format": "${BUNDLE_FORMAT}")` }] };
  }
  if (typeof doc.formatVersion === 'number' && doc.formatVersion > BUNDLE_FORMAT_VERSION) {
    return {
      ok: false,
      problems: [
        {
          path: 'formatVersion',
          message: `The bundle was written in format version ${doc.formatVersion}; this version of the app reads version ${BUNDLE_FORMAT_VERSION}. Update the app`,
        },
      ],
    };
  }
  const parsed = BundleSchema.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      problems: capped(parsed.error.issues.map((issue) => ({ path: formatPath(issue.path as (string | number)[]), message: issue.message }))),
    };
  }
  const bundle = parsed.data as Bundle;
  const problems = await integrityProblems(bundle, options.resolveInstrument ?? builtinInstrument);
  return problems.length ? { ok: false, problems: capped(problems) } : { ok: true, bundle };
}

const builtinCache = new Map<string, Promise<CompiledInstrument | undefined>>();

/** The default resolver: a shipped instrument at the version the bundle names (current or archived). */
async function builtinInstrument(id: string, version: string): Promise<CompiledInstrument | undefined> {
  if (!BUILTIN_INSTRUMENTS.includes(id)) return undefined;
  const key = `${id}@${version}`;
  let loading = builtinCache.get(key);
  if (!loading) builtinCache.set(key, (loading = builtinDefinitionAt(id, version).then((doc) => (doc === undefined ? undefined : loadInstrument(doc)))));
  return loading;
}

/** Where each key first occurs, reporting later occurrences. */
function uniqueKeys<T>(records: readonly T[], list: string, field: string, key: (r: T) => string, what: (r: T) => string, problems: BundleProblem[]) {
  const first = new Map<string, number>();
  records.forEach((record, i) => {
    const k = key(record);
    const at = first.get(k);
    if (at === undefined) first.set(k, i);
    else problems.push({ path: `${list}[${i}].${field}`, message: `${what(record)} appears twice (also at ${list}[${at}])` });
  });
  return first;
}

async function integrityProblems(bundle: Bundle, resolve: ResolveInstrument): Promise<BundleProblem[]> {
  const problems: BundleProblem[] = [];
  const clients = uniqueKeys(bundle.clients, 'clients', 'id', (c) => c.id, (c) => `Client "${c.id}"`, problems);
  const interviews = uniqueKeys(bundle.interviews, 'interviews', 'id', (i) => i.id, (i) => `Interview "${i.id}"`, problems);
  uniqueKeys(
    bundle.answers,
    'answers',
    'itemId',
    (a) => `${a.interviewId}\u0000${a.itemId}`,
    (a) => `The answer to "${a.itemId}" in interview "${a.interviewId}"`,
    problems,
  );
  uniqueKeys(
    bundle.scores,
    'scores',
    'scoreId',
    (s) => `${s.interviewId}\u0000${s.scoreId}`,
    (s) => `Score "${s.scoreId}" of interview "${s.interviewId}"`,
    problems,
  );

  const listed = new Set(bundle.instruments.map((r) => `${r.id}@${r.version}`));
  bundle.interviews.forEach((interview, i) => {
    if (!clients.has(interview.clientId)) {
      problems.push({ path: `interviews[${i}].clientId`, message: `Interview "${interview.id}" belongs to client "${interview.clientId}", which is not in the bundle` });
    }
    const ref = `${interview.instrumentId}@${interview.instrumentVersion}`;
    if (!listed.has(ref)) {
      problems.push({ path: `interviews[${i}].instrumentVersion`, message: `Instrument ${ref} of interview "${interview.id}" is not listed in "instruments"` });
    }
  });
  for (const list of ['answers', 'audit', 'scores'] as const) {
    bundle[list].forEach((record, i) => {
      if (!interviews.has(record.interviewId)) {
        problems.push({ path: `${list}[${i}].interviewId`, message: `Interview "${record.interviewId}" is not in the bundle` });
      }
    });
  }

  // Each interview's audit chain, in bundle order.
  const logs = new Map<string, number[]>();
  bundle.audit.forEach((event, i) => {
    if (interviews.has(event.interviewId)) logs.set(event.interviewId, [...(logs.get(event.interviewId) ?? []), i]);
  });
  for (const [interviewId, indexes] of logs) {
    const result = await verifyChain(indexes.map((i) => bundle.audit[i]!));
    if (!result.ok) {
      problems.push({
        path: `audit[${indexes[result.brokenAt]}]`,
        message: `The audit log of interview "${interviewId}" is broken at its event ${result.brokenAt + 1}: an event was changed, removed or reordered`,
      });
    }
  }

  // Answers and scores against the instrument each interview was taken with, where it is known here.
  const instruments = new Map<string, CompiledInstrument | undefined>();
  for (const ref of new Set(bundle.interviews.map((i) => `${i.instrumentId}@${i.instrumentVersion}`))) {
    const interview = bundle.interviews.find((i) => `${i.instrumentId}@${i.instrumentVersion}` === ref)!;
    instruments.set(ref, await resolve(interview.instrumentId, interview.instrumentVersion));
  }
  const instrumentOf = new Map(
    bundle.interviews.map((i) => [i.id, { ref: `${i.instrumentId}@${i.instrumentVersion}`, instrument: instruments.get(`${i.instrumentId}@${i.instrumentVersion}`) }]),
  );
  bundle.interviews.forEach((interview, i) => {
    const { ref, instrument } = instrumentOf.get(interview.id)!;
    if (instrument && !instrument.round(interview.round)) {
      problems.push({ path: `interviews[${i}].round`, message: `Instrument ${ref} has no round "${interview.round}"` });
    }
  });
  bundle.answers.forEach((answer, i) => {
    const known = instrumentOf.get(answer.interviewId);
    if (!known?.instrument) return;
    const item = known.instrument.item(answer.itemId);
    if (!item) {
      problems.push({ path: `answers[${i}].itemId`, message: `Instrument ${known.ref} has no item "${answer.itemId}"` });
      return;
    }
    const problem = checkAnswer(known.instrument, item, answer.value);
    if (problem) {
      problems.push({ path: `answers[${i}].value`, message: `${JSON.stringify(answer.value)} is not a valid answer to "${answer.itemId}": ${problem.en}` });
    }
  });
  bundle.scores.forEach((score, i) => {
    const known = instrumentOf.get(score.interviewId);
    if (known?.instrument && !known.instrument.scores.some((s) => s.id === score.scoreId)) {
      problems.push({ path: `scores[${i}].scoreId`, message: `Instrument ${known.ref} has no score "${score.scoreId}"` });
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Merge

/** JSON with sorted keys and no undefined members: equal for records with equal content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** One interview with everything that belongs to it, for comparing two copies as a whole. */
interface InterviewState {
  interview: InterviewRecord;
  answers: AnswerRecord[];
  audit: AuditEvent[];
  scores: ScoreRecord[];
}

function statesOf(records: StoreRecords): Map<string, InterviewState> {
  const states = new Map<string, InterviewState>(records.interviews.map((interview) => [interview.id, { interview, answers: [], audit: [], scores: [] }]));
  for (const a of records.answers) states.get(a.interviewId)?.answers.push(a);
  for (const e of records.audit) states.get(e.interviewId)?.audit.push(withoutSeq(e));
  for (const s of records.scores) states.get(s.interviewId)?.scores.push(s);
  return states;
}

/** Compares two copies of an interview: answers and scores as sets, the audit log in order. */
function sameState(a: InterviewState, b: InterviewState): boolean {
  const set = <T>(records: T[], key: (r: T) => string) => canonical([...records].sort((x, y) => byString(key(x), key(y))));
  return (
    same(a.interview, b.interview) &&
    set(a.answers, (r) => r.itemId) === set(b.answers, (r) => r.itemId) &&
    set(a.scores, (r) => r.scoreId) === set(b.scores, (r) => r.scoreId) &&
    same(a.audit, b.audit)
  );
}

/**
 * Several units' bundles as one. A client or interview found in more than one bundle must be identical in each
 * (for an interview: its record, answers, scores and whole audit log), and is then included once; otherwise this
 * throws a BundleError naming the id. The result is exported at the latest of the inputs' times.
 */
export function mergeBundles(bundles: readonly Bundle[]): Bundle {
  const problems: BundleProblem[] = [];
  const clients = new Map<string, { client: ClientRecord; from: number }>();
  const interviews = new Map<string, { state: InterviewState; from: number }>();
  const merged: StoreRecords = { clients: [], interviews: [], answers: [], audit: [], scores: [] };
  const kept = new Set<string>();
  bundles.forEach((bundle, b) => {
    bundle.clients.forEach((client, i) => {
      const seen = clients.get(client.id);
      if (!seen) {
        clients.set(client.id, { client, from: b });
        merged.clients.push(client);
      } else if (!same(seen.client, client)) {
        problems.push({ path: `[${b}].clients[${i}]`, message: `Client "${client.id}" differs between bundle ${seen.from + 1} and bundle ${b + 1}` });
      }
    });
    const states = statesOf(bundle);
    bundle.interviews.forEach((interview, i) => {
      const state = states.get(interview.id)!;
      const seen = interviews.get(interview.id);
      if (!seen) {
        interviews.set(interview.id, { state, from: b });
        merged.interviews.push(interview);
        kept.add(`${b}\u0000${interview.id}`);
      } else if (!sameState(seen.state, state)) {
        problems.push({
          path: `[${b}].interviews[${i}]`,
          message: `Interview "${interview.id}" differs between bundle ${seen.from + 1} and bundle ${b + 1} (its record, answers, scores or audit log)`,
        });
      }
    });
    // Records of an interview come from the first bundle that has it; the others are identical copies.
    const fromHere = <T extends { interviewId: string }>(records: T[]) => records.filter((r) => kept.has(`${b}\u0000${r.interviewId}`));
    merged.answers.push(...fromHere(bundle.answers));
    merged.audit.push(...fromHere(bundle.audit).map(withoutSeq));
    merged.scores.push(...fromHere(bundle.scores));
  });
  if (problems.length) throw new BundleError(problems, 'Merging the bundles');
  const refs = new Map(bundles.flatMap((b) => b.instruments).map((r) => [`${r.id}@${r.version}`, r]));
  const latest = bundles.map((b) => b.exportedAt).sort((a, b) => (Date.parse(a) || 0) - (Date.parse(b) || 0)).at(-1);
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    exportedAt: latest ?? nowWithOffset(),
    instruments: [...refs.entries()].sort(([a], [b]) => byString(a, b)).map(([, r]) => ({ id: r.id, version: r.version })),
    ...merged,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Import

export interface ImportOptions extends CheckOptions {
  /**
   * `add` (default): new clients and interviews are added; one that is already stored must be identical (it is then
   * skipped, so importing a bundle twice changes nothing), else the import is refused. `replace`: the bundle's
   * version of a client or interview replaces the stored one, answers and scores as a whole; its audit log must
   * continue the stored one, which is never shortened or rewritten.
   */
  mode?: ImportMode;
}

export interface ImportSummary {
  /** Records written (identical ones already stored are not counted). */
  clients: number;
  interviews: number;
  answers: number;
  audit: number;
  scores: number;
}

/** What the store holds for the bundle's clients and interviews. */
async function storedState(store: InterviewStore, bundle: Bundle) {
  if (store.exportRecords) {
    const all = await store.exportRecords();
    return { clients: new Map(all.clients.map((c) => [c.id, c])), interviews: statesOf(all) };
  }
  const clients = new Map<string, ClientRecord>();
  const interviews = new Map<string, InterviewState>();
  for (const { id } of bundle.clients) {
    const client = await store.getClient(id);
    if (client) clients.set(id, client);
  }
  for (const { id } of bundle.interviews) {
    const interview = await store.getInterview(id);
    if (!interview) continue;
    const [answers, audit, scores] = await Promise.all([store.getAnswers(id), store.getAuditLog(id), store.getScores(id)]);
    interviews.set(id, { interview, answers, audit: audit.map(withoutSeq), scores });
  }
  return { clients, interviews };
}

/**
 * Checks the bundle completely (as {@link parseBundle} does, and against what the store holds), then writes it in
 * one store transaction: on any problem nothing is written. Throws a BundleError listing the problems with their
 * paths, or the store's StorageError.
 */
export async function importBundle(store: InterviewStore, input: Bundle, options: ImportOptions = {}): Promise<ImportSummary> {
  const mode = options.mode ?? 'add';
  const checked = await checkBundle(input, options);
  if (!checked.ok) throw new BundleError(checked.problems);
  const bundle = checked.bundle;
  const stored = await storedState(store, bundle);
  const problems: BundleProblem[] = [];
  const write: StoreRecords = { clients: [], interviews: [], answers: [], audit: [], scores: [] };

  bundle.clients.forEach((client, i) => {
    const current = stored.clients.get(client.id);
    if (current && same(current, client)) return;
    if (current && mode === 'add') {
      problems.push({ path: `clients[${i}]`, message: `Client "${client.id}" already exists in this store with different details` });
    } else write.clients.push(client);
  });

  const states = statesOf(bundle);
  /** Audit events to append (interview and hash), picked from the bundle afterwards so that they keep its order. */
  const appended = new Set<string>();
  bundle.interviews.forEach((interview, i) => {
    const incoming = states.get(interview.id)!;
    const current = stored.interviews.get(interview.id);
    if (current) {
      if (mode === 'add') {
        if (!sameState(current, incoming)) {
          problems.push({
            path: `interviews[${i}]`,
            message: `Interview "${interview.id}" already exists in this store with different content (import in replace mode to take the bundle's version)`,
          });
        }
        return;
      }
      const continues =
        current.audit.length <= incoming.audit.length && current.audit.every((event, k) => event.hash === incoming.audit[k]!.hash);
      if (!continues) {
        problems.push({
          path: `interviews[${i}]`,
          message: `Interview "${interview.id}" has audit events in this store that the bundle lacks or contradicts; replacing it would lose its audit trail`,
        });
        return;
      }
      if (sameState(current, incoming)) return;
    }
    write.interviews.push(interview);
    write.answers.push(...incoming.answers);
    write.scores.push(...incoming.scores);
    for (const event of incoming.audit.slice(current?.audit.length ?? 0)) appended.add(`${event.interviewId}\u0000${event.hash}`);
  });
  if (problems.length) throw new BundleError(capped(problems), 'The import');

  write.audit = bundle.audit.filter((e) => appended.has(`${e.interviewId}\u0000${e.hash}`)).map(withoutSeq);
  await store.importRecords(write, { mode });
  return {
    clients: write.clients.length,
    interviews: write.interviews.length,
    answers: write.answers.length,
    audit: write.audit.length,
    scores: write.scores.length,
  };
}
