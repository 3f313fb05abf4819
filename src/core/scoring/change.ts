// Change between rounds of one client: differences, plain-words direction, reliable change (RCI) and changed answers.
import type { CompiledInstrument, CompiledItem } from '../definition/compiled.js';
import type { LocalText, Message } from '../definition/text.js';
import type { AnswerValue } from '../definition/values.js';
import type { InterviewRecord, ScoreRecord } from '../storage/types.js';

/** |RCI| above this is change beyond measurement error at p < .05 (Jacobson & Truax 1991). */
export const RCI_THRESHOLD = 1.96;

/**
 * Differences smaller than this count as exactly 0: two rounds with the same answers give the same composite, but a
 * formula that reaches the same value by another path can differ in the last bits, which is not a change.
 */
const ZERO = 1e-9;

/**
 * Reliable change index (Jacobson & Truax 1991): RCI = (x2 − x1) / sqrt(2 · (SD · sqrt(1 − r))²).
 * Throws on parameters that would make the standard error of the difference zero, negative or undefined.
 */
export function reliableChangeIndex(x1: number, x2: number, sd: number, r: number): number {
  if (!Number.isFinite(x1) || !Number.isFinite(x2)) throw new RangeError(`RCI needs two finite scores (got ${x1} and ${x2})`);
  if (!Number.isFinite(sd) || sd <= 0) throw new RangeError(`RCI needs a standard deviation above 0 (got ${sd})`);
  if (!Number.isFinite(r) || r < 0 || r >= 1) throw new RangeError(`RCI needs a reliability from 0 up to but not including 1 (got ${r})`);
  const sem = sd * Math.sqrt(1 - r);
  return (x2 - x1) / Math.sqrt(2 * sem * sem);
}

export type Direction = 'better' | 'unchanged' | 'worse';

/**
 * `rciStatus`: 'ok' when SD and reliability are both known; 'not-configured' when one is missing (the UI asks the
 * user to set it); 'not-applicable' for measures that RCI is not used for (the interviewer's 0–9 ratings).
 */
export type ChangeResult =
  | {
      status: 'ok';
      /** last − first */
      difference: number;
      direction: Direction;
      rci: number | null;
      /** |RCI| > 1.96; null when RCI is not computed. */
      reliable: boolean | null;
      rciStatus: 'ok' | 'not-configured' | 'not-applicable';
    }
  | { status: 'not-computable'; reason: 'first-missing' | 'last-missing' | 'both-missing' };

export interface CompareOptions {
  /** ASI composites and severity ratings: higher is worse (1 = worst), so a decrease is "better". */
  higherIsWorse: boolean;
  /** false for measures RCI does not apply to (ratings): difference and direction only. Default true. */
  rci?: boolean;
}

/**
 * Compares two values of one measure.
 *
 * "unchanged": when RCI is configured, |RCI| ≤ 1.96 (the change is within measurement error, so calling it better or
 * worse would overstate it); when RCI is not configured (or does not apply), a difference of exactly 0. So with
 * RCI, `direction` and `reliable` agree; without it, the plain-words direction for the clinician follows the sign of
 * the difference and `reliable: null` says that nobody can tell whether it is beyond measurement error.
 */
export function compareScores(
  first: number | null,
  last: number | null,
  params: { sd?: number | null; reliability?: number | null },
  options: CompareOptions,
): ChangeResult {
  if (first === null && last === null) return { status: 'not-computable', reason: 'both-missing' };
  if (first === null) return { status: 'not-computable', reason: 'first-missing' };
  if (last === null) return { status: 'not-computable', reason: 'last-missing' };
  const difference = last - first;
  const sign = Math.abs(difference) < ZERO ? 0 : Math.sign(difference);
  const signed: Direction = sign === 0 ? 'unchanged' : (sign > 0) === options.higherIsWorse ? 'worse' : 'better';
  if (options.rci === false) return { status: 'ok', difference, direction: signed, rci: null, reliable: null, rciStatus: 'not-applicable' };
  const { sd, reliability } = params;
  if (sd == null || reliability == null) {
    return { status: 'ok', difference, direction: signed, rci: null, reliable: null, rciStatus: 'not-configured' };
  }
  const rci = reliableChangeIndex(first, last, sd, reliability);
  const reliable = Math.abs(rci) > RCI_THRESHOLD;
  return { status: 'ok', difference, direction: reliable ? signed : 'unchanged', rci, reliable, rciStatus: 'ok' };
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters

/** What the host sets per score; either value may be given alone (the other falls back). */
export interface ChangeParameterOverride {
  sd?: number;
  reliability?: number;
}
export type ChangeOverrides = Record<string, ChangeParameterOverride | undefined>;

export interface ResolvedChangeParameters {
  score: string;
  sd: number | null;
  /** "override", "definition: <source>" or "sample SD of first rounds, n = 57"; null when there is no SD. */
  sdSource: string | null;
  reliability: number | null;
  reliabilitySource: string | null;
  rciStatus: 'ok' | 'not-configured';
  /** What is missing, for a UI that words it itself. */
  missing: ('sd' | 'reliability')[];
  /** Why RCI is not configured, in both languages. */
  note?: Message;
}

/** Sample standard deviation (n − 1); null with fewer than two values. Non-finite values are ignored. */
export function sampleStandardDeviation(values: readonly (number | null | undefined)[]): number | null {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  // Welford's update: one pass, and no loss of precision on scores that are all close to each other.
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  return n < 2 ? null : Math.sqrt(m2 / (n - 1));
}

function checkOverride(score: string, o: ChangeParameterOverride): void {
  if (o.sd !== undefined && !(Number.isFinite(o.sd) && o.sd > 0)) {
    throw new RangeError(`Change parameters for ${score}: SD must be a number above 0 (got ${o.sd})`);
  }
  if (o.reliability !== undefined && !(Number.isFinite(o.reliability) && o.reliability >= 0 && o.reliability < 1)) {
    throw new RangeError(`Change parameters for ${score}: reliability must be from 0 up to but not including 1 (got ${o.reliability})`);
  }
}

/**
 * SD and reliability per score of the instrument: host override > the definition's `changeParameters` > (SD only)
 * the sample SD of the first-round scores in the data at hand (`sample[scoreId]`). Reliability has no data-driven
 * default: test-retest reliability cannot be estimated from one administration, so a score without one (e.g. ASI
 * FAM, for which no published figure was found) is 'not-configured' until the user sets it.
 */
export function changeParameters(
  instrument: CompiledInstrument,
  overrides: ChangeOverrides = {},
  sample: Record<string, readonly (number | null)[] | undefined> = {},
): Record<string, ResolvedChangeParameters> {
  const fromDef = new Map((instrument.def.changeParameters ?? []).map((p) => [p.score, p]));
  const out: Record<string, ResolvedChangeParameters> = {};
  for (const { id } of instrument.scores) {
    const o = overrides[id] ?? {};
    checkOverride(id, o);
    const d = fromDef.get(id);
    let sd: number | null = null;
    let sdSource: string | null = null;
    let sampleNote: Message | undefined;
    if (o.sd !== undefined) [sd, sdSource] = [o.sd, 'override'];
    else if (d?.sd !== undefined) [sd, sdSource] = [d.sd, `definition: ${d.source}`];
    else {
      const values = (sample[id] ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const s = sampleStandardDeviation(values);
      if (s !== null && s > 0) [sd, sdSource] = [s, `sample SD of first rounds, n = ${values.length}`];
      else if (s === 0) {
        sampleNote = {
          sv: `Alla ${values.length} förstagångsvärden är lika (SD = 0); ange SD`,
          en: `All ${values.length} first-round scores are equal (SD = 0); set an SD`,
        };
      } else {
        sampleNote = {
          sv: `För få förstagångsvärden för att skatta SD (n = ${values.length}); ange SD`,
          en: `Too few first-round scores to estimate the SD (n = ${values.length}); set an SD`,
        };
      }
    }
    let reliability: number | null = null;
    let reliabilitySource: string | null = null;
    if (o.reliability !== undefined) [reliability, reliabilitySource] = [o.reliability, 'override'];
    else if (d?.reliability !== undefined) [reliability, reliabilitySource] = [d.reliability, `definition: ${d.source}`];
    const missing: ('sd' | 'reliability')[] = [];
    if (sd === null) missing.push('sd');
    if (reliability === null) missing.push('reliability');
    const notes: Message[] = [];
    if (reliability === null) {
      notes.push({
        sv: `Ingen reliabilitet angiven för ${id}; reliabel förändring beräknas inte förrän den anges`,
        en: `No reliability set for ${id}; reliable change is not computed until one is set`,
      });
    }
    if (sampleNote) notes.push(sampleNote);
    out[id] = {
      score: id,
      sd,
      sdSource,
      reliability,
      reliabilitySource,
      rciStatus: missing.length === 0 ? 'ok' : 'not-configured',
      missing,
      ...(notes.length ? { note: { sv: notes.map((n) => n.sv).join('. '), en: notes.map((n) => n.en).join('. ') } } : {}),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing the rounds of one client

export interface ComparisonRound {
  interview: InterviewRecord;
  scores: ScoreRecord[];
  answers: Record<string, AnswerValue>;
}

export interface CompareInterviewsParams {
  /** Already resolved parameters (e.g. shared with a group report); otherwise resolved from overrides and sample. */
  parameters?: Record<string, ResolvedChangeParameters>;
  overrides?: ChangeOverrides;
  /** First-round scores of the unit's clients per score, for the default SD. */
  sample?: Record<string, readonly (number | null)[] | undefined>;
  /** Default: higher is worse for every score and rating, as for ASI composites and severity ratings. */
  higherIsWorse?: (measureId: string) => boolean;
  /** How many changed answers to list; default 10. */
  topAnswers?: number;
}

export interface MeasureValue {
  interviewId: string;
  value: number | null;
  /**
   * Why the value is null: the items the score missed (from its provenance), the rating item itself when it is
   * unanswered, or null when the round has no score record at all (never scored, or the round does not report it).
   */
  missingItems: string[] | null;
}

export interface MeasureComparison {
  id: string;
  kind: 'score' | 'rating';
  /** One per round, in the order of `InterviewComparison.rounds`. */
  values: MeasureValue[];
  /** First round → last round. */
  change: ChangeResult;
  /** Each round → the next. */
  steps: ChangeResult[];
  /** Scores only; ratings carry no RCI. */
  parameters: ResolvedChangeParameters | null;
}

export interface AreaComparison {
  id: string;
  title: LocalText;
  scores: MeasureComparison[];
  ratings: MeasureComparison[];
}

export interface ChangedAnswer {
  itemId: string;
  first: AnswerValue;
  last: AnswerValue;
  /**
   * 'range': |difference| / the item's range (days /30, scales by their options, yes/no /1); 'relative':
   * |difference| / the larger of the two (money, counts, durations, which have no natural range); 'changed': codes,
   * text, dates and special codes, which only differ or not.
   */
  measure: 'range' | 'relative' | 'changed';
  /** 0–1; null for 'changed'. */
  magnitude: number | null;
}

export interface InterviewComparison {
  rounds: { interviewId: string; round: string; startedAt: string; instrumentVersion: string }[];
  areas: AreaComparison[];
  changedAnswers: ChangedAnswer[];
}

/** The numeric value of a rating answer; codes and blanks are not a rating. */
function ratingValue(value: AnswerValue | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function optionRange(item: CompiledItem): number | null {
  const values = (item.options ?? []).map((o) => o.value);
  if (values.length < 2) return null;
  const range = Math.max(...values) - Math.min(...values);
  return range > 0 ? range : null;
}

/** How far apart two answers of an item are; null when they are equal. */
export function answerChange(item: CompiledItem, first: AnswerValue, last: AnswerValue): Omit<ChangedAnswer, 'itemId' | 'first' | 'last'> | null {
  if (first === last) return null;
  // X/N, dates and text are strings: they can only differ.
  if (typeof first !== 'number' || typeof last !== 'number') {
    return { measure: 'changed', magnitude: null };
  }
  const diff = Math.abs(last - first);
  switch (item.def.kind) {
    case 'days':
      return { measure: 'range', magnitude: diff / 30 };
    case 'scale':
    case 'yesno': {
      const range = optionRange(item);
      return range === null ? { measure: 'changed', magnitude: null } : { measure: 'range', magnitude: diff / range };
    }
    case 'money':
    case 'count':
    case 'duration':
      // A count's allowed maximum (9,999) is no yardstick; 0 → 5 hospitalisations matters as much as 0 → 5,000 kr.
      return { measure: 'relative', magnitude: diff / Math.max(Math.abs(first), Math.abs(last)) };
    default:
      // Code lists: code 4 is not "further" from 1 than code 2 is.
      return { measure: 'changed', magnitude: null };
  }
}

/**
 * The items whose answers changed most between two rounds: measured changes by magnitude, then the ones that only
 * changed (codes, text, dates, X/N), each in definition order on ties. Items answered in only one of the rounds are
 * left out (not asked, or skipped), as is the instrument's interview-date item, which always changes.
 */
export function changedAnswers(
  instrument: CompiledInstrument,
  first: Record<string, AnswerValue>,
  last: Record<string, AnswerValue>,
  top = 10,
): ChangedAnswer[] {
  const found: (ChangedAnswer & { index: number })[] = [];
  for (const item of instrument.items) {
    if (item.id === instrument.def.dateItem) continue;
    const a = first[item.id];
    const b = last[item.id];
    if (a === undefined || b === undefined) continue;
    const change = answerChange(item, a, b);
    if (change && change.magnitude !== 0) found.push({ itemId: item.id, first: a, last: b, ...change, index: item.index });
  }
  found.sort((x, y) => {
    if (x.magnitude !== null && y.magnitude !== null) return y.magnitude - x.magnitude || x.index - y.index;
    if (x.magnitude !== null) return -1;
    if (y.magnitude !== null) return 1;
    return x.index - y.index;
  });
  return found.slice(0, Math.max(0, top)).map(({ index: _index, ...rest }) => rest);
}

/**
 * Two or more rounds of one client side by side, per profile area (or one area per score when the definition has no
 * profile). Rounds are ordered by `startedAt`; the caller chooses which rounds to compare (status is not checked).
 */
export function compareInterviews(
  instrument: CompiledInstrument,
  rounds: readonly ComparisonRound[],
  params: CompareInterviewsParams = {},
): InterviewComparison {
  if (rounds.length < 2) throw new RangeError(`Comparing rounds needs at least two rounds (got ${rounds.length})`);
  const ordered = [...rounds].sort((a, b) => (a.interview.startedAt < b.interview.startedAt ? -1 : a.interview.startedAt > b.interview.startedAt ? 1 : 0));
  const parameters = params.parameters ?? changeParameters(instrument, params.overrides, params.sample);
  const higherIsWorse = params.higherIsWorse ?? (() => true);
  const scoreMaps = ordered.map((r) => new Map(r.scores.map((s) => [s.scoreId, s])));

  const measure = (id: string, kind: 'score' | 'rating'): MeasureComparison => {
    const values: MeasureValue[] = ordered.map((r, i) => {
      if (kind === 'rating') {
        const value = ratingValue(r.answers[id]);
        return { interviewId: r.interview.id, value, missingItems: value === null ? [id] : [] };
      }
      const rec = scoreMaps[i]!.get(id);
      if (!rec) return { interviewId: r.interview.id, value: null, missingItems: null };
      return { interviewId: r.interview.id, value: rec.value, missingItems: rec.value === null ? [...rec.provenance.missing] : [] };
    });
    const p = kind === 'score' ? parameters[id] ?? null : null;
    const options: CompareOptions = { higherIsWorse: higherIsWorse(id), rci: kind === 'score' };
    const cmp = (a: MeasureValue, b: MeasureValue) => compareScores(a.value, b.value, { sd: p?.sd, reliability: p?.reliability }, options);
    const steps = values.slice(1).map((v, i) => cmp(values[i]!, v));
    return { id, kind, values, change: cmp(values[0]!, values[values.length - 1]!), steps, parameters: p };
  };

  const areaDefs =
    instrument.def.profile ?? instrument.scores.map((s) => ({ id: s.id, title: s.def.title, scores: [s.id], ratings: [] as string[] }));
  const areas: AreaComparison[] = areaDefs.map((a) => ({
    id: a.id,
    title: a.title,
    scores: (a.scores ?? []).map((id) => measure(id, 'score')),
    ratings: (a.ratings ?? []).map((id) => measure(id, 'rating')),
  }));
  return {
    rounds: ordered.map((r) => ({
      interviewId: r.interview.id,
      round: r.interview.round,
      startedAt: r.interview.startedAt,
      instrumentVersion: r.interview.instrumentVersion,
    })),
    areas,
    changedAnswers: changedAnswers(instrument, ordered[0]!.answers, ordered[ordered.length - 1]!.answers, params.topAnswers ?? 10),
  };
}
