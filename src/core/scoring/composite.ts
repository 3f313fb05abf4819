// Scores declared in a definition, computed from the answers that count, with the missing-data rule and provenance.
import { evaluateNumber } from '../expression/index.js';
import type { CompiledInstrument, CompiledScore } from '../definition/compiled.js';
import { isSpecialCode, type AnswerLookup, type AnswerValue } from '../definition/values.js';
import type { ScoreProvenance, ScoreRecord } from '../storage/types.js';

export interface ScoreResult {
  scoreId: string;
  /** null when an input is missing: a missing answer is never treated as 0. */
  value: number | null;
  provenance: ScoreProvenance;
}

/**
 * An input is missing when it is blank, or `X`/`N` and the score does not handle codes for it itself
 * (`allowCodes`: e.g. relationship items whose X/N leave the denominator).
 */
export function computeScore(instrument: CompiledInstrument, score: CompiledScore, lookup: AnswerLookup): ScoreResult {
  const inputs: Record<string, AnswerValue | null> = {};
  const missing: string[] = [];
  for (const id of score.inputs) {
    const value = lookup(id);
    inputs[id] = value ?? null;
    if (value === undefined || (isSpecialCode(value) && !score.allowCodes.has(id))) missing.push(id);
  }
  const value = missing.length > 0 ? null : evaluateNumber(score.formula, lookup);
  return {
    scoreId: score.id,
    value,
    provenance: {
      algorithm: { ...score.def.algorithm },
      instrument: { id: instrument.id, version: instrument.version },
      inputs,
      missing,
    },
  };
}

/** Every score the round reports. */
export function computeScores(instrument: CompiledInstrument, round: string, lookup: AnswerLookup): ScoreResult[] {
  return instrument.scores.filter((s) => s.rounds.has(round)).map((s) => computeScore(instrument, s, lookup));
}

/** The round's scores as the records a store keeps for an interview. */
export function scoreRecords(instrument: CompiledInstrument, round: string, lookup: AnswerLookup, interviewId: string, computedAt: string): ScoreRecord[] {
  return computeScores(instrument, round, lookup).map((s) => ({ interviewId, scoreId: s.scoreId, value: s.value, provenance: s.provenance, computedAt }));
}
