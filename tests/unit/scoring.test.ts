// Unit tests for composite scores: every missing-data branch (blank, X, N, allowCodes), provenance, and which rounds report a score.
import { describe, expect, it } from 'vitest';
import { loadInstrument, type AnswerValue, type CompiledInstrument } from '../../src/core/definition/index.js';
import { computeScore, computeScores } from '../../src/core/scoring/composite.js';

const text = (en: string) => ({ sv: en, en });

/** A one-section instrument with three days items (A, B, C) and the given scores. */
function instrumentWith(scores: unknown[], extra: Record<string, unknown> = {}): CompiledInstrument {
  return loadInstrument({
    id: 'mini-scores',
    version: '2.3.4',
    title: text('Mini'),
    source: 'Unit test',
    rounds: [
      { id: 'intake', title: text('Intake') },
      { id: 'discharge', title: text('Discharge') },
    ],
    sections: [
      {
        id: 'main',
        title: text('Main'),
        items: [
          { id: 'A', kind: 'days', text: text('A') },
          { id: 'B', kind: 'days', text: text('B') },
          { id: 'C', kind: 'days', text: text('C') },
        ],
      },
    ],
    scores,
    ...extra,
  });
}

const score = (id: string, formula: string, more: Record<string, unknown> = {}) => ({
  id,
  title: text(id),
  formula,
  algorithm: { id: `${id.toLowerCase()}-alg`, version: '7' },
  source: 'Unit test',
  ...more,
});

const lookupOf = (answers: Record<string, AnswerValue>) => (id: string) => answers[id];

describe('computeScore', () => {
  // Inputs are listed in definition order (A, B, C), not in the order the formula reads them.
  const instrument = instrumentWith([
    score('SUM', 'C + A/2 + B'),
    score('CODED', 'if(is(B, "X") or is(B, "N"), A, A + B)', { allowCodes: ['B'] }),
    score('LN', 'ln(A)'),
  ]);
  const [sum, coded, ln] = instrument.scores as [(typeof instrument.scores)[number], (typeof instrument.scores)[number], (typeof instrument.scores)[number]];

  it('computes the formula when every input is answered, with full provenance', () => {
    expect(computeScore(instrument, sum, lookupOf({ A: 10, B: 3, C: 1 }))).toEqual({
      scoreId: 'SUM',
      value: 1 + 10 / 2 + 3,
      provenance: {
        algorithm: { id: 'sum-alg', version: '7' },
        instrument: { id: 'mini-scores', version: '2.3.4' },
        inputs: { A: 10, B: 3, C: 1 },
        missing: [],
      },
    });
  });

  it('a blank input makes the score null (never 0) and is listed as missing', () => {
    const result = computeScore(instrument, sum, lookupOf({ A: 10, C: 1 }));
    expect(result.value).toBeNull();
    expect(result.provenance.inputs).toEqual({ A: 10, B: null, C: 1 });
    expect(result.provenance.missing).toEqual(['B']);
  });

  it('every missing input is listed, in definition order', () => {
    const result = computeScore(instrument, sum, lookupOf({ B: 'N' }));
    expect(result.value).toBeNull();
    expect(result.provenance.inputs).toEqual({ A: null, B: 'N', C: null });
    expect(result.provenance.missing).toEqual(['A', 'B', 'C']);
  });

  it.each(['X', 'N'])('%s makes the score null when the item is not in allowCodes', (code) => {
    const result = computeScore(instrument, sum, lookupOf({ A: 10, B: code, C: 1 }));
    expect(result.value).toBeNull();
    expect(result.provenance.inputs).toEqual({ A: 10, B: code, C: 1 });
    expect(result.provenance.missing).toEqual(['B']);
  });

  it.each(['X', 'N'])('%s is handed to the formula when the item is in allowCodes', (code) => {
    const result = computeScore(instrument, coded, lookupOf({ A: 10, B: code }));
    expect(result.value).toBe(10);
    expect(result.provenance.inputs).toEqual({ A: 10, B: code });
    expect(result.provenance.missing).toEqual([]);
  });

  it('allowCodes covers only the codes, not a blank answer', () => {
    const result = computeScore(instrument, coded, lookupOf({ A: 10 }));
    expect(result.value).toBeNull();
    expect(result.provenance.missing).toEqual(['B']);
  });

  it('allowCodes for one item does not excuse a code in another', () => {
    const result = computeScore(instrument, coded, lookupOf({ A: 'X', B: 'X' }));
    expect(result.value).toBeNull();
    expect(result.provenance.missing).toEqual(['A']);
  });

  it('the allowed item still counts normally when answered', () => {
    expect(computeScore(instrument, coded, lookupOf({ A: 10, B: 4 })).value).toBe(14);
  });

  it('a formula without a finite result is null, never NaN or Infinity', () => {
    const result = computeScore(instrument, ln, lookupOf({ A: 0 }));
    expect(result.value).toBeNull();
    expect(result.provenance.inputs).toEqual({ A: 0 });
    expect(computeScore(instrument, ln, lookupOf({ A: 1 })).value).toBe(0);
  });

  it('the provenance is a copy: changing it leaves the definition alone', () => {
    const result = computeScore(instrument, sum, lookupOf({ A: 1, B: 1, C: 1 }));
    result.provenance.algorithm.version = 'changed';
    expect(sum.def.algorithm).toEqual({ id: 'sum-alg', version: '7' });
  });
});

describe('computeScores', () => {
  const instrument = instrumentWith([
    score('BOTH', 'A + B'),
    score('INTAKE_ONLY', 'A', { rounds: ['intake'] }),
    score('DISCHARGE_ONLY', 'C * 2', { rounds: ['discharge'] }),
  ]);

  it('reports the scores of the round, in definition order', () => {
    const lookup = lookupOf({ A: 1, B: 2, C: 3 });
    expect(computeScores(instrument, 'intake', lookup).map((s) => [s.scoreId, s.value])).toEqual([
      ['BOTH', 3],
      ['INTAKE_ONLY', 1],
    ]);
    expect(computeScores(instrument, 'discharge', lookup).map((s) => [s.scoreId, s.value])).toEqual([
      ['BOTH', 3],
      ['DISCHARGE_ONLY', 6],
    ]);
  });

  it('an instrument without scores reports none', () => {
    expect(computeScores(instrumentWith([]), 'intake', lookupOf({ A: 1 }))).toEqual([]);
  });
});
