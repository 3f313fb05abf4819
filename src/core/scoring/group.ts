// Group report: per score n, means at the first and last completed round, mean change and reliable-change counts.
import type { CompiledInstrument } from '../definition/compiled.js';
import type { AnswerValue } from '../definition/values.js';
import type { AnswerRecord, ClientRecord, InterviewRecord, ScoreRecord, Sex } from '../storage/types.js';
import { changeParameters, compareScores, type ChangeOverrides, type ResolvedChangeParameters } from './change.js';

/** A bundle's records (or a store's), as the report reads them. */
export interface GroupData {
  clients: readonly ClientRecord[];
  interviews: readonly InterviewRecord[];
  scores: readonly ScoreRecord[];
  answers?: readonly AnswerRecord[];
}

export interface GroupFilter {
  sex?: Sex[];
  /** "18-24" (inclusive) or "65+"; age = year of the first round − birth year. */
  ageBands?: string[];
  /** Codes of the primary-substance item (`substanceItem`) at the first round. */
  primarySubstance?: number[];
  /** Inclusive range on the first round's date (YYYY-MM-DD; only the date part of a timestamp is used). */
  from?: string;
  to?: string;
  /** Whole calendar months between the first and the last round, inclusive bounds. */
  intervalMonths?: { min?: number; max?: number };
  /** Only interviews taken with these versions count. */
  instrumentVersions?: string[];
  /** Only interviews of these rounds count as first/last candidates. */
  rounds?: string[];
}

export interface GroupOptions {
  /** Item holding the primary substance; default 'D14' (ASI). */
  substanceItem?: string;
  overrides?: ChangeOverrides;
  /** Already resolved parameters; otherwise resolved from overrides, the definition and the sample SD. */
  parameters?: Record<string, ResolvedChangeParameters>;
  /** Default: higher is worse for every score (ASI composites). */
  higherIsWorse?: (scoreId: string) => boolean;
}

/** The `report --json` contract: one entry per score. */
export interface GroupScoreSummary {
  /** Clients with the score at both their first and last completed round. */
  n: number;
  meanFirst: number | null;
  meanLast: number | null;
  meanChange: number | null;
  /** By RCI (|RCI| > 1.96 in the better/worse direction); null when RCI is not configured for the score. */
  improved: number | null;
  unchanged: number | null;
  worsened: number | null;
  /** Clients in the filter with a first round but no computable pair for this score. */
  missing: number;
}

export interface GroupReport {
  scores: Record<string, GroupScoreSummary>;
  filter: GroupFilter;
  /** Clients in the filter (each has at least one completed round). */
  clients: number;
  /** SD and reliability used per score, with their source and, when RCI is not configured, a note why. */
  parameters: Record<string, ResolvedChangeParameters>;
}

export type GroupKey = 'sex' | 'age' | 'substance';

export interface GroupedReport {
  by: GroupKey;
  filter: GroupFilter;
  clients: number;
  parameters: Record<string, ResolvedChangeParameters>;
  /** Groups present in the data, in a fixed order ('unknown' last). */
  groups: { group: string; report: GroupReport }[];
}

export const DEFAULT_AGE_BANDS: readonly string[] = ['0-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+'];
const SEX_ORDER: readonly Sex[] = ['female', 'male', 'other', 'unknown'];

interface Band {
  label: string;
  min: number;
  max: number;
}

function parseBand(label: string): Band {
  const closed = /^(\d+)-(\d+)$/.exec(label);
  if (closed) return { label, min: Number(closed[1]), max: Number(closed[2]) };
  const open = /^(\d+)\+$/.exec(label);
  if (open) return { label, min: Number(open[1]), max: Infinity };
  throw new RangeError(`Age band "${label}" is not of the form "18-24" or "65+"`);
}

const dateOf = (timestamp: string): string => timestamp.slice(0, 10);

/** Whole calendar months from a to b, by the local dates written in the timestamps (15 Jan → 14 Jul = 5). */
export function monthsBetween(a: string, b: string): number {
  const [y1, m1, d1] = dateOf(a).split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = dateOf(b).split('-').map(Number) as [number, number, number];
  return (y2 - y1) * 12 + (m2 - m1) - (d2 < d1 ? 1 : 0);
}

/** Ties on `startedAt` (same second) are broken by id so that the result never depends on input order. */
function earlier(a: InterviewRecord, b: InterviewRecord): boolean {
  return a.startedAt < b.startedAt || (a.startedAt === b.startedAt && a.id < b.id);
}

function valueOf(records: Map<string, Map<string, ScoreRecord>>, interviewId: string, scoreId: string): number | null {
  const v = records.get(interviewId)?.get(scoreId)?.value;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

interface ClientRow {
  client: ClientRecord;
  first: InterviewRecord;
  /** Undefined when the client has a single completed round. */
  last: InterviewRecord | undefined;
  age: number | null;
  substance: AnswerValue | undefined;
}

interface Prepared {
  rows: ClientRow[];
  scoreRecords: Map<string, Map<string, ScoreRecord>>;
  parameters: Record<string, ResolvedChangeParameters>;
  higherIsWorse: (scoreId: string) => boolean;
}

/**
 * One pass over each record list into Maps, then one pass over the clients: no interview is compared with another
 * interview of a different client, so the cost grows linearly with the bundle.
 */
function prepare(data: GroupData, instrument: CompiledInstrument, filter: GroupFilter, options: GroupOptions): Prepared {
  const rounds = filter.rounds ? new Set(filter.rounds) : null;
  const versions = filter.instrumentVersions ? new Set(filter.instrumentVersions) : null;
  // Candidates (after the round/version filter) and, unfiltered, every client's first completed round for the SD.
  const firstCand = new Map<string, InterviewRecord>();
  const lastCand = new Map<string, InterviewRecord>();
  const firstAny = new Map<string, InterviewRecord>();
  for (const iv of data.interviews) {
    if (iv.instrumentId !== instrument.id || iv.status !== 'completed') continue;
    const fa = firstAny.get(iv.clientId);
    if (!fa || earlier(iv, fa)) firstAny.set(iv.clientId, iv);
    if (rounds && !rounds.has(iv.round)) continue;
    if (versions && !versions.has(iv.instrumentVersion)) continue;
    const f = firstCand.get(iv.clientId);
    if (!f || earlier(iv, f)) firstCand.set(iv.clientId, iv);
    const l = lastCand.get(iv.clientId);
    if (!l || earlier(l, iv)) lastCand.set(iv.clientId, iv);
  }

  const scoreRecords = new Map<string, Map<string, ScoreRecord>>();
  for (const s of data.scores) {
    let m = scoreRecords.get(s.interviewId);
    if (!m) scoreRecords.set(s.interviewId, (m = new Map()));
    // A recomputed score may be stored twice; the newest computation wins.
    const prev = m.get(s.scoreId);
    if (!prev || prev.computedAt <= s.computedAt) m.set(s.scoreId, s);
  }

  const substanceItem = options.substanceItem ?? 'D14';
  const substance = new Map<string, AnswerValue>();
  for (const a of data.answers ?? []) if (a.itemId === substanceItem) substance.set(a.interviewId, a.value);

  // The SD yardstick comes from every client's first completed round, not the filtered ones: a filter or a group
  // must not change what counts as reliable change, or groups side by side would not be comparable.
  const sample: Record<string, (number | null)[]> = {};
  for (const s of instrument.scores) sample[s.id] = [];
  for (const client of data.clients) {
    const f = firstAny.get(client.id);
    if (!f) continue;
    for (const s of instrument.scores) sample[s.id]!.push(valueOf(scoreRecords, f.id, s.id));
  }
  const parameters = options.parameters ?? changeParameters(instrument, options.overrides, sample);

  const sexes = filter.sex ? new Set(filter.sex) : null;
  const bands = filter.ageBands?.map(parseBand) ?? null;
  const codes = filter.primarySubstance ? new Set(filter.primarySubstance) : null;
  const from = filter.from !== undefined ? dateOf(filter.from) : null;
  const to = filter.to !== undefined ? dateOf(filter.to) : null;
  const interval = filter.intervalMonths ?? null;

  const rows: ClientRow[] = [];
  for (const client of data.clients) {
    const first = firstCand.get(client.id);
    if (!first) continue;
    const lastRec = lastCand.get(client.id)!;
    const last = lastRec === first ? undefined : lastRec;
    const age = client.birthYear === undefined ? null : Number(first.startedAt.slice(0, 4)) - client.birthYear;
    const sub = substance.get(first.id);
    if (sexes && !sexes.has(client.sex)) continue;
    if (bands && (age === null || !bands.some((b) => age >= b.min && age <= b.max))) continue;
    if (codes && !(typeof sub === 'number' && codes.has(sub))) continue;
    const day = dateOf(first.startedAt);
    if (from !== null && day < from) continue;
    if (to !== null && day > to) continue;
    if (interval) {
      if (!last) continue;
      const months = monthsBetween(first.startedAt, last.startedAt);
      if (interval.min !== undefined && months < interval.min) continue;
      if (interval.max !== undefined && months > interval.max) continue;
    }
    rows.push({ client, first, last, age, substance: sub });
  }
  return { rows, scoreRecords, parameters, higherIsWorse: options.higherIsWorse ?? (() => true) };
}

function summarize(instrument: CompiledInstrument, p: Prepared, rows: readonly ClientRow[], filter: GroupFilter): GroupReport {
  const scores: Record<string, GroupScoreSummary> = {};
  for (const { id } of instrument.scores) {
    const params = p.parameters[id];
    const configured = params?.rciStatus === 'ok';
    const options = { higherIsWorse: p.higherIsWorse(id) };
    let n = 0;
    let sumFirst = 0;
    let sumLast = 0;
    let sumChange = 0;
    let improved = 0;
    let unchanged = 0;
    let worsened = 0;
    for (const row of rows) {
      const x1 = valueOf(p.scoreRecords, row.first.id, id);
      const x2 = row.last ? valueOf(p.scoreRecords, row.last.id, id) : null;
      if (x1 === null || x2 === null) continue;
      n++;
      sumFirst += x1;
      sumLast += x2;
      sumChange += x2 - x1;
      if (!configured) continue;
      const c = compareScores(x1, x2, { sd: params.sd, reliability: params.reliability }, options);
      if (c.status !== 'ok') continue;
      if (c.direction === 'better') improved++;
      else if (c.direction === 'worse') worsened++;
      else unchanged++;
    }
    scores[id] = {
      n,
      meanFirst: n ? sumFirst / n : null,
      meanLast: n ? sumLast / n : null,
      meanChange: n ? sumChange / n : null,
      improved: configured ? improved : null,
      unchanged: configured ? unchanged : null,
      worsened: configured ? worsened : null,
      missing: rows.length - n,
    };
  }
  return { scores, filter: { ...filter }, clients: rows.length, parameters: p.parameters };
}

/**
 * The group report over all clients of `data` that pass `filter`. Per client, the first and the last completed
 * interview of the instrument by `startedAt` (among the rounds and versions the filter allows); the client
 * filters (sex, age, substance, dates, interval) apply to that pair.
 */
export function groupReport(
  data: GroupData,
  instrument: CompiledInstrument,
  filter: GroupFilter = {},
  options: GroupOptions = {},
): GroupReport {
  const p = prepare(data, instrument, filter, options);
  return summarize(instrument, p, p.rows, filter);
}

function groupOf(key: GroupKey, row: ClientRow, bands: readonly Band[]): string {
  if (key === 'sex') return row.client.sex;
  if (key === 'age') {
    const age = row.age;
    if (age === null) return 'unknown';
    return bands.find((b) => age >= b.min && age <= b.max)?.label ?? 'unknown';
  }
  return typeof row.substance === 'number' ? String(row.substance) : 'unknown';
}

/** The same report per sex, age band (the filter's bands, else DEFAULT_AGE_BANDS) or primary substance code. */
export function groupBy(
  key: GroupKey,
  data: GroupData,
  instrument: CompiledInstrument,
  filter: GroupFilter = {},
  options: GroupOptions = {},
): GroupedReport {
  const p = prepare(data, instrument, filter, options);
  const bands = (filter.ageBands ?? DEFAULT_AGE_BANDS).map(parseBand);
  const parts = new Map<string, ClientRow[]>();
  for (const row of p.rows) {
    const g = groupOf(key, row, bands);
    const list = parts.get(g);
    if (list) list.push(row);
    else parts.set(g, [row]);
  }
  const order: string[] =
    key === 'sex'
      ? [...SEX_ORDER]
      : key === 'age'
        ? bands.map((b) => b.label)
        : [...parts.keys()].filter((k) => k !== 'unknown').sort((a, b) => Number(a) - Number(b));
  if (!order.includes('unknown')) order.push('unknown');
  return {
    by: key,
    filter: { ...filter },
    clients: p.rows.length,
    parameters: p.parameters,
    groups: order.filter((g) => parts.has(g)).map((g) => ({ group: g, report: summarize(instrument, p, parts.get(g)!, filter) })),
  };
}
