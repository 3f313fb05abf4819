// Unit tests for change between rounds: RCI and differences against hand-computed values, parameters, changed answers.
import { describe, expect, it } from 'vitest';
import { builtinDefinition, loadInstrument, type AnswerValue, type CompiledInstrument } from '../../src/core/definition/index.js';
import {
  answerChange,
  changedAnswers,
  changeParameters,
  compareInterviews,
  compareScores,
  reliableChangeIndex,
  sampleStandardDeviation,
  type ComparisonRound,
} from '../../src/core/scoring/change.js';
import type { InterviewRecord, ScoreRecord } from '../../src/core/storage/types.js';

const text = (en: string) => ({ sv: en, en });

/** The demo instrument with change parameters added to a copy of its definition. */
async function demoWith(changeParameters?: unknown[]): Promise<CompiledInstrument> {
  const def = structuredClone((await builtinDefinition('demo')) as Record<string, unknown>);
  if (changeParameters) def.changeParameters = changeParameters;
  return loadInstrument(def);
}

function interview(id: string, round: string, startedAt: string): InterviewRecord {
  return {
    id,
    clientId: 'c1',
    instrumentId: 'demo',
    instrumentVersion: '1.0.0',
    round,
    status: 'completed',
    mode: 'interviewer',
    startedAt,
    updatedAt: startedAt,
    completedAt: startedAt,
  };
}

function score(interviewId: string, scoreId: string, value: number | null, missing: string[] = []): ScoreRecord {
  return {
    interviewId,
    scoreId,
    value,
    provenance: { algorithm: { id: 'x', version: '1' }, instrument: { id: 'demo', version: '1.0.0' }, inputs: {}, missing },
    computedAt: '2024-01-01T00:00:00Z',
  };
}

describe('reliableChangeIndex', () => {
  it('matches the hand-computed value', () => {
    // SEM = 0.2 · sqrt(1 − 0.8) = 0.0894427…; SE_diff = sqrt(2) · SEM = 0.1264911…; RCI = −0.3 / 0.1264911 = −2.3717082…
    expect(reliableChangeIndex(0.6, 0.3, 0.2, 0.8)).toBeCloseTo(-2.3717082451, 9);
    // r = 0 is allowed: SE_diff = 1 · sqrt(2) → RCI = 1 / 1.4142136 = 0.7071068
    expect(reliableChangeIndex(0, 1, 1, 0)).toBeCloseTo(0.7071067812, 9);
    // No change → 0
    expect(reliableChangeIndex(0.4, 0.4, 0.2, 0.8)).toBe(0);
  });

  it('rejects SD ≤ 0, r outside [0, 1) and non-finite scores with a clear message', () => {
    expect(() => reliableChangeIndex(0, 1, 0, 0.5)).toThrow(/standard deviation above 0/);
    expect(() => reliableChangeIndex(0, 1, -0.1, 0.5)).toThrow(/standard deviation above 0/);
    expect(() => reliableChangeIndex(0, 1, Number.NaN, 0.5)).toThrow(/standard deviation/);
    expect(() => reliableChangeIndex(0, 1, 0.2, 1)).toThrow(/reliability from 0 up to but not including 1/);
    expect(() => reliableChangeIndex(0, 1, 0.2, -0.01)).toThrow(/reliability/);
    expect(() => reliableChangeIndex(Number.NaN, 1, 0.2, 0.5)).toThrow(/finite/);
  });
});

describe('compareScores', () => {
  const worse = { higherIsWorse: true };

  it('reports difference, direction, RCI and reliability for a configured score', () => {
    const c = compareScores(0.6, 0.3, { sd: 0.2, reliability: 0.8 }, worse);
    expect(c.status).toBe('ok');
    if (c.status !== 'ok') return;
    expect(c.difference).toBeCloseTo(-0.3, 12);
    expect(c.rci).toBeCloseTo(-2.3717082451, 9);
    expect(c).toMatchObject({ direction: 'better', reliable: true, rciStatus: 'ok' });
  });

  it('treats |RCI| ≤ 1.96 as unchanged and > 1.96 as reliable (SD 1, r 0.5 → SE_diff exactly 1, RCI = difference)', () => {
    const p = { sd: 1, reliability: 0.5 };
    expect(compareScores(0, 1.96, p, worse)).toMatchObject({ direction: 'unchanged', reliable: false, rci: 1.96 });
    expect(compareScores(0, 1.9601, p, worse)).toMatchObject({ direction: 'worse', reliable: true });
    expect(compareScores(1.96, 0, p, worse)).toMatchObject({ direction: 'unchanged', reliable: false, rci: -1.96 });
    expect(compareScores(1.9601, 0, p, worse)).toMatchObject({ direction: 'better', reliable: true });
    // A small nonzero change within measurement error is "unchanged" when RCI is configured.
    expect(compareScores(0.5, 0.6, { sd: 0.2, reliability: 0.8 }, worse)).toMatchObject({ direction: 'unchanged', reliable: false });
  });

  it('without reliability: not-configured, and the direction follows the sign (exactly 0 = unchanged)', () => {
    expect(compareScores(0.5, 0.6, { sd: 0.2 }, worse)).toMatchObject({
      status: 'ok',
      direction: 'worse',
      rci: null,
      reliable: null,
      rciStatus: 'not-configured',
    });
    expect(compareScores(0.5, 0.49, { reliability: 0.8 }, worse)).toMatchObject({ direction: 'better', rciStatus: 'not-configured' });
    expect(compareScores(0.5, 0.5, {}, worse)).toMatchObject({ difference: 0, direction: 'unchanged', rciStatus: 'not-configured' });
  });

  it('puts direction words the right way round for both kinds of scale', () => {
    expect(compareScores(0.6, 0.3, {}, { higherIsWorse: true })).toMatchObject({ direction: 'better' });
    expect(compareScores(0.3, 0.6, {}, { higherIsWorse: true })).toMatchObject({ direction: 'worse' });
    expect(compareScores(0.6, 0.3, {}, { higherIsWorse: false })).toMatchObject({ direction: 'worse' });
    expect(compareScores(0.3, 0.6, {}, { higherIsWorse: false })).toMatchObject({ direction: 'better' });
    expect(compareScores(0.6, 0.3, { sd: 0.2, reliability: 0.8 }, { higherIsWorse: false })).toMatchObject({ direction: 'worse', reliable: true });
  });

  it('ratings: difference and direction only', () => {
    expect(compareScores(6, 3, { sd: 1, reliability: 0.9 }, { higherIsWorse: true, rci: false })).toEqual({
      status: 'ok',
      difference: -3,
      direction: 'better',
      rci: null,
      reliable: null,
      rciStatus: 'not-applicable',
    });
  });

  it('is not computable when a round is missing, with the reason', () => {
    expect(compareScores(null, 0.3, { sd: 0.2, reliability: 0.8 }, worse)).toEqual({ status: 'not-computable', reason: 'first-missing' });
    expect(compareScores(0.3, null, {}, worse)).toEqual({ status: 'not-computable', reason: 'last-missing' });
    expect(compareScores(null, null, {}, worse)).toEqual({ status: 'not-computable', reason: 'both-missing' });
  });

  it('rejects invalid parameters instead of computing nonsense', () => {
    expect(() => compareScores(0.1, 0.2, { sd: 0, reliability: 0.8 }, worse)).toThrow(/standard deviation/);
  });
});

describe('sampleStandardDeviation', () => {
  it('uses n − 1 and ignores missing values', () => {
    // mean 0.4; squared deviations 0.04 + 0 + 0.04 = 0.08; / (3 − 1) = 0.04; sqrt = 0.2
    expect(sampleStandardDeviation([0.2, null, 0.4, 0.6])).toBeCloseTo(0.2, 12);
    // mean 5; squares 9+1+1+9 = 20; / 3 = 6.667; sqrt = 2.5819889
    expect(sampleStandardDeviation([2, 4, 6, 8])).toBeCloseTo(2.5819888975, 9);
    expect(sampleStandardDeviation([0.5])).toBeNull();
    expect(sampleStandardDeviation([])).toBeNull();
  });
});

describe('changeParameters', () => {
  it('takes SD and r from the definition, with its source', async () => {
    const instrument = await demoWith([
      { score: 'HEALTH', sd: 0.25, reliability: 0.8, source: 'Retest study 2020' },
      { score: 'WORK', reliability: 0.5, source: 'Conservative default' },
    ]);
    const p = changeParameters(instrument, {}, { HEALTH: [0.1, 0.9], WORK: [0.2, 0.4, 0.6] });
    expect(p.HEALTH).toEqual({
      score: 'HEALTH',
      sd: 0.25,
      sdSource: 'definition: Retest study 2020',
      reliability: 0.8,
      reliabilitySource: 'definition: Retest study 2020',
      rciStatus: 'ok',
      missing: [],
    });
    // No SD in the definition: the sample SD of the first rounds (0.2, see above).
    expect(p.WORK?.sd).toBeCloseTo(0.2, 12);
    expect(p.WORK).toMatchObject({
      sdSource: 'sample SD of first rounds, n = 3',
      reliability: 0.5,
      reliabilitySource: 'definition: Conservative default',
      rciStatus: 'ok',
    });
  });

  it('lets host overrides win over the definition, value by value', async () => {
    const instrument = await demoWith([{ score: 'HEALTH', sd: 0.25, reliability: 0.8, source: 'Retest study 2020' }]);
    const p = changeParameters(instrument, { HEALTH: { sd: 0.3 }, WORK: { sd: 0.15, reliability: 0 } }, { HEALTH: [0, 1] });
    expect(p.HEALTH).toMatchObject({ sd: 0.3, sdSource: 'override', reliability: 0.8, reliabilitySource: 'definition: Retest study 2020' });
    expect(p.WORK).toMatchObject({ sd: 0.15, sdSource: 'override', reliability: 0, reliabilitySource: 'override', rciStatus: 'ok' });
  });

  it('a score without reliability (like ASI FAM) is not-configured, with a note', async () => {
    const instrument = await demoWith([{ score: 'HEALTH', sd: 0.25, reliability: 0.8, source: 'Retest study 2020' }]);
    const p = changeParameters(instrument, {}, { WORK: [0.2, 0.4, 0.6] });
    expect(p.WORK).toMatchObject({ sdSource: 'sample SD of first rounds, n = 3', reliability: null, rciStatus: 'not-configured', missing: ['reliability'] });
    expect(p.WORK?.note?.en).toMatch(/No reliability set for WORK/);
  });

  it('without data for the sample SD, SD is missing too', async () => {
    const instrument = await demoWith([{ score: 'WORK', reliability: 0.5, source: 'Default' }]);
    const p = changeParameters(instrument, {}, { WORK: [0.4] });
    expect(p.WORK).toMatchObject({ sd: null, sdSource: null, rciStatus: 'not-configured', missing: ['sd'] });
    expect(p.WORK?.note?.en).toMatch(/Too few first-round scores .*n = 1/);
    const same = changeParameters(instrument, {}, { WORK: [0.4, 0.4] });
    expect(same.WORK?.note?.en).toMatch(/SD = 0/);
    expect(changeParameters(await demoWith()).HEALTH).toMatchObject({ missing: ['sd', 'reliability'], rciStatus: 'not-configured' });
  });

  it('rejects invalid overrides', async () => {
    const instrument = await demoWith();
    expect(() => changeParameters(instrument, { HEALTH: { sd: 0 } })).toThrow(/HEALTH: SD must be a number above 0/);
    expect(() => changeParameters(instrument, { WORK: { reliability: 1 } })).toThrow(/WORK: reliability/);
  });
});

describe('changedAnswers', () => {
  const first: Record<string, AnswerValue> = {
    G_DATE: '2024-01-10',
    G_HOUSING: 1,
    H_HOSP: 2,
    H_CHRONIC: 1,
    H_CHRONIC_SPEC: 'asthma',
    H_DAYS: 10,
    H_TROUBLED: 1,
    H_IMPORTANT: 2,
    H_SEVERITY: 2,
    W_LICENCE: 1,
    W_INCOME: 1000,
    W_SUPPORT: 1,
    W_MAJORITY: 1,
    A_DAYS: 0,
    A_YEARS: 5,
  };
  const last: Record<string, AnswerValue> = {
    G_DATE: '2024-07-10', // the interview date always changes: left out
    G_HOUSING: 4, // code list: changed only
    H_HOSP: 3, // count, relative: 1 / 3 = 0.3333
    H_CHRONIC: 1, // unchanged
    H_CHRONIC_SPEC: 'asthma, diabetes', // text: changed only
    H_DAYS: 25, // days: 15 / 30 = 0.5
    H_TROUBLED: 4, // client rating: 3 / 4 = 0.75
    H_IMPORTANT: 2, // unchanged
    H_SEVERITY: 8, // severity: 6 / 9 = 0.6667
    W_LICENCE: 0, // yes/no: 1 / 1 = 1
    W_INCOME: 4000, // money, relative: 3000 / 4000 = 0.75 (tie with H_TROUBLED: definition order)
    W_SUPPORT: 1,
    W_MAJORITY: 'N', // a special code: changed only
    A_DAYS: 0, // unchanged
    // A_YEARS is asked at intake only: left out
  };

  it('ranks measured changes by magnitude, then the codes and text that changed, in definition order', async () => {
    const instrument = await demoWith();
    const list = changedAnswers(instrument, first, last);
    expect(list.map((c) => c.itemId)).toEqual([
      'W_LICENCE',
      'H_TROUBLED',
      'W_INCOME',
      'H_SEVERITY',
      'H_DAYS',
      'H_HOSP',
      'G_HOUSING',
      'H_CHRONIC_SPEC',
      'W_MAJORITY',
    ]);
    expect(list[0]).toEqual({ itemId: 'W_LICENCE', first: 1, last: 0, measure: 'range', magnitude: 1 });
    expect(list[2]).toEqual({ itemId: 'W_INCOME', first: 1000, last: 4000, measure: 'relative', magnitude: 0.75 });
    expect(list[3]?.magnitude).toBeCloseTo(6 / 9, 12);
    expect(list[5]?.magnitude).toBeCloseTo(1 / 3, 12);
    expect(list[6]).toEqual({ itemId: 'G_HOUSING', first: 1, last: 4, measure: 'changed', magnitude: null });
    expect(list[8]).toEqual({ itemId: 'W_MAJORITY', first: 1, last: 'N', measure: 'changed', magnitude: null });
  });

  it('keeps the top N (default 10)', async () => {
    const instrument = await demoWith();
    expect(changedAnswers(instrument, first, last, 3).map((c) => c.itemId)).toEqual(['W_LICENCE', 'H_TROUBLED', 'W_INCOME']);
    expect(changedAnswers(instrument, first, first)).toEqual([]);
  });

  it('measures money from 0 as a full change', async () => {
    const instrument = await demoWith();
    expect(answerChange(instrument.item('W_INCOME')!, 0, 500)).toEqual({ measure: 'relative', magnitude: 1 });
    expect(answerChange(instrument.item('W_INCOME')!, 500, 500)).toBeNull();
  });
});

describe('compareInterviews', () => {
  // HEALTH 0.6 → 0.5 → 0.3 with SD 0.2, r 0.8 (SE_diff 0.1264911):
  //   first → last −0.3, RCI −2.3717 (better, reliable); steps −0.1 (RCI −0.7906) and −0.2 (RCI −1.5811): unchanged.
  // WORK: first round missing W_INCOME → null; no score record in the last round.
  // H_SEVERITY 5 → 5 → 3 (better); A_SEVERITY 2 → 4 → 4 (worse).
  const rounds: ComparisonRound[] = [
    {
      interview: interview('i3', 'follow-up', '2024-09-01T10:00:00+02:00'),
      scores: [score('i3', 'HEALTH', 0.3)],
      answers: { H_SEVERITY: 3, A_SEVERITY: 4, H_DAYS: 2 },
    },
    {
      interview: interview('i1', 'intake', '2024-01-10T10:00:00+01:00'),
      scores: [score('i1', 'HEALTH', 0.6), score('i1', 'WORK', null, ['W_INCOME'])],
      answers: { H_SEVERITY: 5, A_SEVERITY: 2, H_DAYS: 20 },
    },
    {
      interview: interview('i2', 'follow-up', '2024-05-01T10:00:00+02:00'),
      scores: [score('i2', 'HEALTH', 0.5), score('i2', 'WORK', 0.4)],
      answers: { H_SEVERITY: 5, A_SEVERITY: 4 },
    },
  ];

  it('orders rounds by date and compares each score and rating per profile area', async () => {
    const instrument = await demoWith([{ score: 'HEALTH', sd: 0.2, reliability: 0.8, source: 'Unit test' }]);
    const result = compareInterviews(instrument, rounds, { sample: { WORK: [0.2, 0.4, 0.6] } });
    expect(result.rounds.map((r) => r.interviewId)).toEqual(['i1', 'i2', 'i3']);
    expect(result.areas.map((a) => a.id)).toEqual(['health', 'work', 'alcohol']);

    const health = result.areas[0]!.scores[0]!;
    expect(health.values.map((v) => v.value)).toEqual([0.6, 0.5, 0.3]);
    expect(health.change).toMatchObject({ status: 'ok', direction: 'better', reliable: true, rciStatus: 'ok' });
    if (health.change.status === 'ok') {
      expect(health.change.difference).toBeCloseTo(-0.3, 12);
      expect(health.change.rci).toBeCloseTo(-2.3717082451, 9);
    }
    expect(health.steps).toHaveLength(2);
    expect(health.steps.map((s) => (s.status === 'ok' ? s.direction : s.reason))).toEqual(['unchanged', 'unchanged']);
    expect(health.steps[0]!.status === 'ok' && health.steps[0]!.rci).toBeCloseTo(-0.7905694150, 9);
    expect(health.steps[1]!.status === 'ok' && health.steps[1]!.rci).toBeCloseTo(-1.5811388301, 9);
    expect(health.parameters?.sdSource).toBe('definition: Unit test');

    const severity = result.areas[0]!.ratings[0]!;
    expect(severity).toMatchObject({ id: 'H_SEVERITY', kind: 'rating', parameters: null });
    expect(severity.change).toEqual({ status: 'ok', difference: -2, direction: 'better', rci: null, reliable: null, rciStatus: 'not-applicable' });
    expect(severity.steps.map((s) => (s.status === 'ok' ? s.direction : s.reason))).toEqual(['unchanged', 'better']);
    expect(result.areas[2]!.ratings[0]!.change).toMatchObject({ difference: 2, direction: 'worse' });

    const work = result.areas[1]!.scores[0]!;
    expect(work.values).toEqual([
      { interviewId: 'i1', value: null, missingItems: ['W_INCOME'] },
      { interviewId: 'i2', value: 0.4, missingItems: [] },
      { interviewId: 'i3', value: null, missingItems: null },
    ]);
    expect(work.change).toEqual({ status: 'not-computable', reason: 'both-missing' });
    expect(work.steps).toEqual([
      { status: 'not-computable', reason: 'first-missing' },
      { status: 'not-computable', reason: 'last-missing' },
    ]);
    expect(work.parameters).toMatchObject({ rciStatus: 'not-configured', sdSource: 'sample SD of first rounds, n = 3' });

    // H_DAYS 20 → 2: 18 / 30 = 0.6 (only answers present in both the first and the last round count).
    expect(result.changedAnswers.map((c) => [c.itemId, c.magnitude])).toEqual([
      ['H_DAYS', 0.6],
      ['H_SEVERITY', 2 / 9],
      ['A_SEVERITY', 2 / 9],
    ]);
  });

  it('uses the host parameters when given, and one area per score when the definition has no profile', async () => {
    const def = structuredClone((await builtinDefinition('demo')) as Record<string, unknown>);
    delete def.profile;
    const instrument = loadInstrument(def);
    const result = compareInterviews(instrument, rounds, { overrides: { HEALTH: { sd: 0.2, reliability: 0.8 } }, topAnswers: 1 });
    expect(result.areas.map((a) => [a.id, a.scores.map((s) => s.id), a.ratings.length])).toEqual([
      ['HEALTH', ['HEALTH'], 0],
      ['WORK', ['WORK'], 0],
    ]);
    expect(result.areas[0]!.scores[0]!.change).toMatchObject({ reliable: true });
    expect(result.changedAnswers).toHaveLength(1);
    // Higher is better for a host that says so: the same drop is now "worse".
    const flipped = compareInterviews(instrument, rounds, { overrides: { HEALTH: { sd: 0.2, reliability: 0.8 } }, higherIsWorse: () => false });
    expect(flipped.areas[0]!.scores[0]!.change).toMatchObject({ direction: 'worse' });
  });

  it('needs two rounds', async () => {
    const instrument = await demoWith();
    expect(() => compareInterviews(instrument, rounds.slice(0, 1))).toThrow(/at least two rounds/);
  });

  it('an inline instrument without change parameters: every score not-configured', () => {
    const instrument = loadInstrument({
      id: 'mini',
      version: '1.0.0',
      title: text('Mini'),
      source: 'Unit test',
      rounds: [{ id: 'intake', title: text('Intake') }],
      sections: [{ id: 's', title: text('S'), items: [{ id: 'A', kind: 'days', text: text('A') }] }],
      scores: [{ id: 'FAM', title: text('FAM'), formula: 'A/30', algorithm: { id: 'a', version: '1' }, source: 'Unit test' }],
    });
    const r = compareInterviews(instrument, [
      { interview: interview('a', 'intake', '2024-01-01'), scores: [score('a', 'FAM', 0.5)], answers: { A: 15 } },
      { interview: interview('b', 'intake', '2024-02-01'), scores: [score('b', 'FAM', 0.2)], answers: { A: 6 } },
    ]);
    expect(r.areas[0]!.scores[0]!.change).toMatchObject({ rciStatus: 'not-configured', direction: 'better', rci: null });
  });
});
