// Cut-offs declared in a definition: which of them a score value falls in, for the client's sex if known; and the
// ranges of scores and ratings, so that a chart or a result line can say "13 of 40" instead of assuming 0–1.
import type { CompiledInstrument } from '../definition/compiled.js';
import type { InstrumentDef } from '../definition/schema.js';
import type { Sex } from '../storage/types.js';

export type CutoffDef = NonNullable<InstrumentDef['cutoffs']>[number];

export interface MeasureRange {
  min: number;
  max: number;
}

/** What a score without a declared `range` is taken to span: the ASI composite scores, which the format began with. */
export const DEFAULT_SCORE_RANGE: Readonly<MeasureRange> = Object.freeze({ min: 0, max: 1 });

/**
 * Every cut-off of `scoreId` that `value` falls in (`min ≤ value ≤ max`, `max` open when absent), in definition order.
 * Entries for one sex apply only when `sex` is that sex; entries without a sex always apply (so with no sex, or
 * 'other'/'unknown', only the sex-neutral ones). A missing value (null) matches nothing: a missing score is
 * never classified.
 */
export function classify(instrument: CompiledInstrument, scoreId: string, value: number | null | undefined, sex?: Sex): CutoffDef[] {
  if (value === null || value === undefined || !Number.isFinite(value)) return [];
  return applicableCutoffs(instrument, scoreId, sex).filter((c) => c.min <= value && (c.max === undefined || value <= c.max));
}

/** The cut-offs of a score that can be applied for this sex: the sex-neutral ones and, for female/male, that sex's. */
function applicableCutoffs(instrument: CompiledInstrument, scoreId: string, sex?: Sex): CutoffDef[] {
  return (instrument.def.cutoffs ?? []).filter((c) => c.score === scoreId && (c.sex === undefined || c.sex === sex));
}

/** The declared `range` of a score, or 0–1 when the definition gives none. */
export function scoreRange(instrument: CompiledInstrument, scoreId: string): MeasureRange {
  const declared = instrument.scores.find((s) => s.id === scoreId)?.def.range;
  return declared ? { min: declared.min, max: declared.max } : { ...DEFAULT_SCORE_RANGE };
}

/**
 * The range of a rating item: its lowest and highest option value (from its scale or its own options), else its
 * `min`/`max`. Undefined when neither says, so that a caller picks its own fallback instead of a silent guess here.
 */
export function ratingRange(instrument: CompiledInstrument, itemId: string): MeasureRange | undefined {
  const item = instrument.item(itemId);
  if (!item) return undefined;
  const values = (item.options ?? []).map((o) => o.value).filter((v) => Number.isFinite(v));
  if (values.length >= 2) {
    const min = Math.min(...values);
    const max = Math.max(...values);
    if (max > min) return { min, max };
  }
  const { min, max } = item.def;
  return min !== undefined && max !== undefined && max > min ? { min, max } : undefined;
}

/** A score value in plain terms: which cut-offs it falls in, or that it falls in none, or that they need the sex. */
export interface ScoreInterpretation {
  value: number | null;
  /** The score's declared range; absent when the definition declares none. */
  range?: MeasureRange;
  /** The cut-offs the value falls in (see classify), in definition order. */
  matched: CutoffDef[];
  /** The cut-offs that could be applied for this sex (sex-neutral ones, and that sex's): what `below` compares with. */
  applicable: CutoffDef[];
  /** There are applicable cut-offs, the value falls in none of them, and it is under the lowest of them. */
  below: boolean;
  /**
   * The score has cut-offs for one sex, but the client's sex is not female or male (unknown, other, not given), so
   * those cut-offs were not applied. Said out loud rather than guessed: AUDIT 7 is risky use for a woman, not a man.
   */
  sexNeeded: boolean;
}

/**
 * Interprets one score value against the definition's cut-offs. A missing value (null, undefined, not finite) is not
 * interpreted at all: nothing matched, not below, and no call for the sex, since there is nothing to apply it to.
 */
export function interpretScore(
  instrument: CompiledInstrument,
  scoreId: string,
  value: number | null | undefined,
  sex?: Sex,
): ScoreInterpretation {
  const declared = instrument.scores.find((s) => s.id === scoreId)?.def.range;
  const range = declared ? { range: { min: declared.min, max: declared.max } } : {};
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return { value: null, ...range, matched: [], applicable: [], below: false, sexNeeded: false };
  }
  const applicable = applicableCutoffs(instrument, scoreId, sex);
  const matched = classify(instrument, scoreId, value, sex);
  // "Below" only under the lowest threshold: a value in a gap between two bounded bands is not "below the cut-off".
  const below = applicable.length > 0 && matched.length === 0 && value < Math.min(...applicable.map((c) => c.min));
  const sexKnown = sex === 'female' || sex === 'male';
  const sexNeeded = !sexKnown && (instrument.def.cutoffs ?? []).some((c) => c.score === scoreId && c.sex !== undefined);
  return { value, ...range, matched, applicable, below, sexNeeded };
}
