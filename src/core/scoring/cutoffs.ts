// Cut-offs declared in a definition: which of them a score value falls in, for the client's sex if known.
import type { CompiledInstrument } from '../definition/compiled.js';
import type { InstrumentDef } from '../definition/schema.js';
import type { Sex } from '../storage/types.js';

export type CutoffDef = NonNullable<InstrumentDef['cutoffs']>[number];

/**
 * Every cut-off of `scoreId` that `value` falls in (`min ≤ value ≤ max`, `max` open when absent), in definition order.
 * Entries for one sex apply only when `sex` is that sex; entries without a sex always apply (so with no sex, or
 * 'other'/'unknown', only the sex-neutral ones). A missing value (null) matches nothing: a missing score is
 * never classified.
 */
export function classify(instrument: CompiledInstrument, scoreId: string, value: number | null | undefined, sex?: Sex): CutoffDef[] {
  if (value === null || value === undefined || !Number.isFinite(value)) return [];
  return (instrument.def.cutoffs ?? []).filter(
    (c) => c.score === scoreId && (c.sex === undefined || c.sex === sex) && c.min <= value && (c.max === undefined || value <= c.max),
  );
}
