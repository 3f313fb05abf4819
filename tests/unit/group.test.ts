// Unit tests for the group report: hand-computed n, means, change and RCI counts, every filter, groupBy, and scale.
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinDefinition, loadInstrument, type CompiledInstrument } from '../../src/core/definition/index.js';
import { groupBy, groupReport, monthsBetween, type GroupData, type GroupScoreSummary } from '../../src/core/scoring/group.js';
import type { AnswerRecord, ClientRecord, InterviewRecord, InterviewStatus, ScoreRecord, Sex } from '../../src/core/storage/types.js';

/*
 * Demo instrument (scores HEALTH and WORK, higher is worse) with HEALTH: SD 0.1, r 0.5 from the definition, so
 * SE_diff = 0.1 · sqrt(2 · 0.5) = 0.1 and RCI = difference / 0.1: reliable when |difference| > 0.196.
 * WORK has no reliability: improved/unchanged/worsened are null. Primary substance: G_HOUSING (a code list).
 *
 * client sex     born  first round (age)         HEALTH     WORK        G_HOUSING  notes
 * c1     female  1990  2024-01-10 (34) → 07-10   0.6→0.3    0.5→0.4     1 (last 4)  6 months, RCI −3 improved
 * c2     male    1980  2024-02-01 (44) → 05-15   0.4→0.5    0.7→0.7     2          3 months, RCI +1 unchanged; follow-up v2.0.0
 * c3     female  2000  2024-03-05 (24) → 2025-03-05 0.2→0.5 0.9→null    1          12 months, RCI +3 worsened
 * c4     male    1960  2024-04-01 (64) only      0.8        0.6         3          second round in progress
 * c5     other   –     2024-05-20 (–)  → 11-20   null→0.1   0.3→0.2     –          6 months
 * c6     female  1995  2023-12-01 (28) → 2024-06-01 → 2024-12-01
 *                                                0.7→0.6→0.4 0.8→0.7→0.5 2         12 months, RCI −3 improved
 * c7     male    1970  2024-06-20 (54) → 08-25   0.5→0.5    0.4→0.45    1          2 months (a terminated intake on 06-10)
 * c8     female  1985  (in progress only)                                          not counted
 */
type Row = [client: string, round: string, date: string, health: number | null, work: number | null, extra?: { status?: InterviewStatus; version?: string; housing?: number; instrument?: string }];
const ROWS: Row[] = [
  ['c1', 'intake', '2024-01-10T09:00:00+01:00', 0.6, 0.5, { housing: 1 }],
  ['c1', 'follow-up', '2024-07-10T09:00:00+02:00', 0.3, 0.4, { housing: 4 }],
  ['c1', 'intake', '2024-08-01T09:00:00+02:00', 0.9, 0.9, { instrument: 'other' }],
  ['c2', 'intake', '2024-02-01T09:00:00+01:00', 0.4, 0.7, { housing: 2 }],
  ['c2', 'follow-up', '2024-05-15T09:00:00+02:00', 0.5, 0.7, { version: '2.0.0', housing: 2 }],
  ['c3', 'intake', '2024-03-05T09:00:00+01:00', 0.2, 0.9, { housing: 1 }],
  ['c3', 'follow-up', '2025-03-05T09:00:00+01:00', 0.5, null, { housing: 1 }],
  ['c4', 'intake', '2024-04-01T09:00:00+02:00', 0.8, 0.6, { housing: 3 }],
  ['c4', 'follow-up', '2024-10-01T09:00:00+02:00', 0.1, 0.1, { status: 'in-progress' }],
  ['c5', 'intake', '2024-05-20T23:30:00+02:00', null, 0.3],
  ['c5', 'follow-up', '2024-11-20T09:00:00+01:00', 0.1, 0.2],
  ['c6', 'intake', '2023-12-01T09:00:00+01:00', 0.7, 0.8, { housing: 2 }],
  ['c6', 'follow-up', '2024-06-01T09:00:00+02:00', 0.6, 0.7, { housing: 2 }],
  ['c6', 'follow-up', '2024-12-01T09:00:00+01:00', 0.4, 0.5, { housing: 1 }],
  ['c7', 'intake', '2024-06-10T09:00:00+02:00', 0.9, 0.9, { status: 'terminated', housing: 4 }],
  ['c7', 'intake', '2024-06-20T09:00:00+02:00', 0.5, 0.4, { housing: 1 }],
  ['c7', 'follow-up', '2024-08-25T09:00:00+02:00', 0.5, 0.45, { housing: 1 }],
  ['c8', 'intake', '2024-02-02T09:00:00+01:00', 0.5, 0.5, { status: 'in-progress' }],
  ['ghost', 'intake', '2024-02-02T09:00:00+01:00', 0.5, 0.5],
];
const CLIENTS: [string, Sex, number | undefined][] = [
  ['c1', 'female', 1990],
  ['c2', 'male', 1980],
  ['c3', 'female', 2000],
  ['c4', 'male', 1960],
  ['c5', 'other', undefined],
  ['c6', 'female', 1995],
  ['c7', 'male', 1970],
  ['c8', 'female', 1985],
];

function client(id: string, sex: Sex, birthYear?: number): ClientRecord {
  return { id, code: id.toUpperCase(), sex, ...(birthYear === undefined ? {} : { birthYear }), createdAt: '2023-01-01T00:00:00Z', updatedAt: '2023-01-01T00:00:00Z' };
}

function interview(id: string, clientId: string, round: string, startedAt: string, status: InterviewStatus = 'completed', version = '1.0.0', instrumentId = 'demo'): InterviewRecord {
  return { id, clientId, instrumentId, instrumentVersion: version, round, status, mode: 'interviewer', startedAt, updatedAt: startedAt, ...(status === 'completed' ? { completedAt: startedAt } : {}) };
}

function score(interviewId: string, scoreId: string, value: number | null): ScoreRecord {
  return {
    interviewId,
    scoreId,
    value,
    provenance: { algorithm: { id: 'x', version: '1' }, instrument: { id: 'demo', version: '1.0.0' }, inputs: {}, missing: value === null ? ['X1'] : [] },
    computedAt: '2024-01-01T00:00:00Z',
  };
}

function answer(interviewId: string, itemId: string, value: number): AnswerRecord {
  return { interviewId, itemId, value, source: 'entered', updatedAt: '2024-01-01T00:00:00Z' };
}

function dataset(): GroupData {
  const data = { clients: CLIENTS.map(([id, sex, born]) => client(id, sex, born)), interviews: [] as InterviewRecord[], scores: [] as ScoreRecord[], answers: [] as AnswerRecord[] };
  ROWS.forEach(([c, round, date, health, work, extra = {}], i) => {
    const id = `${c}-${i}`;
    data.interviews.push(interview(id, c, round, date, extra.status, extra.version, extra.instrument));
    data.scores.push(score(id, 'HEALTH', health), score(id, 'WORK', work));
    if (extra.housing !== undefined) data.answers.push(answer(id, 'G_HOUSING', extra.housing));
  });
  // Shuffled input order must not matter.
  data.interviews.reverse();
  return data;
}

const summary = (s: Partial<GroupScoreSummary>): GroupScoreSummary => ({
  n: 0,
  meanFirst: null,
  meanLast: null,
  meanChange: null,
  improved: null,
  unchanged: null,
  worsened: null,
  missing: 0,
  ...s,
});

/** Compares a summary with hand-computed values (means to 10 decimals). */
function expectSummary(actual: GroupScoreSummary | undefined, expected: GroupScoreSummary): void {
  expect(actual).toBeDefined();
  const a = actual!;
  expect({ ...a, meanFirst: 0, meanLast: 0, meanChange: 0 }).toEqual({ ...expected, meanFirst: 0, meanLast: 0, meanChange: 0 });
  for (const k of ['meanFirst', 'meanLast', 'meanChange'] as const) {
    if (expected[k] === null) expect(a[k], k).toBeNull();
    else expect(a[k], k).toBeCloseTo(expected[k]!, 10);
  }
}

let demo: CompiledInstrument;
const data = dataset();
const opts = { substanceItem: 'G_HOUSING' };

beforeAll(async () => {
  const def = structuredClone((await builtinDefinition('demo')) as Record<string, unknown>);
  def.changeParameters = [{ score: 'HEALTH', sd: 0.1, reliability: 0.5, source: 'Unit test' }];
  demo = loadInstrument(def);
});

describe('groupReport without a filter', () => {
  it('computes n, means, change, RCI counts and missing by hand', () => {
    const r = groupReport(data, demo, {}, opts);
    // c1–c7 have a completed round; c8 has none; "ghost" is not a client.
    expect(r.clients).toBe(7);
    // HEALTH pairs: c1 0.6→0.3, c2 0.4→0.5, c3 0.2→0.5, c6 0.7→0.4, c7 0.5→0.5 (c4 one round, c5 first null)
    // meanFirst 2.4/5 = 0.48, meanLast 2.2/5 = 0.44, change −0.04; RCI −3, +1, +3, −3, 0 → 2 improved, 2 unchanged, 1 worse
    expectSummary(r.scores.HEALTH, summary({ n: 5, meanFirst: 0.48, meanLast: 0.44, meanChange: -0.04, improved: 2, unchanged: 2, worsened: 1, missing: 2 }));
    // WORK pairs: c1 0.5→0.4, c2 0.7→0.7, c5 0.3→0.2, c6 0.8→0.5, c7 0.4→0.45 (c3 last null, c4 one round)
    // meanFirst 2.7/5 = 0.54, meanLast 2.25/5 = 0.45, change −0.09; no reliability → counts null
    expectSummary(r.scores.WORK, summary({ n: 5, meanFirst: 0.54, meanLast: 0.45, meanChange: -0.09, missing: 2 }));
    expect(Object.keys(r.scores)).toEqual(['HEALTH', 'WORK']);
    expect(r.filter).toEqual({});
  });

  it('reports the parameters used, with their source and a note where RCI is not configured', () => {
    const r = groupReport(data, demo, {}, opts);
    expect(r.parameters.HEALTH).toMatchObject({ sd: 0.1, reliability: 0.5, sdSource: 'definition: Unit test', rciStatus: 'ok' });
    // WORK sample SD over every client's first completed round (c1–c7): 0.5 0.7 0.9 0.6 0.3 0.8 0.4, mean 0.6,
    // squared deviations sum 0.28, / 6 = 0.046667, SD = 0.2160247
    expect(r.parameters.WORK?.sd).toBeCloseTo(0.2160246899, 9);
    expect(r.parameters.WORK).toMatchObject({ sdSource: 'sample SD of first rounds, n = 7', reliability: null, rciStatus: 'not-configured' });
    expect(r.parameters.WORK?.note?.en).toMatch(/No reliability set for WORK/);
    // The yardstick does not move with the filter.
    expect(groupReport(data, demo, { sex: ['male'] }, opts).parameters.WORK?.sd).toBeCloseTo(0.2160246899, 9);
  });

  it('host overrides configure RCI for WORK', () => {
    // SD 0.05, r 0.5 → SE_diff 0.05: c1 −0.1 (RCI −2, improved), c2 0, c5 −0.1 (−2, improved), c6 −0.3 (−6, improved), c7 +0.05 (+1)
    const r = groupReport(data, demo, {}, { ...opts, overrides: { WORK: { sd: 0.05, reliability: 0.5 } } });
    expectSummary(r.scores.WORK, summary({ n: 5, meanFirst: 0.54, meanLast: 0.45, meanChange: -0.09, improved: 3, unchanged: 2, worsened: 0, missing: 2 }));
    expect(r.parameters.WORK).toMatchObject({ sdSource: 'override', reliabilitySource: 'override' });
  });

  it('higher-is-better scores swap improved and worsened', () => {
    const r = groupReport(data, demo, {}, { ...opts, higherIsWorse: () => false });
    expect(r.scores.HEALTH).toMatchObject({ improved: 1, unchanged: 2, worsened: 2 });
  });

  it('takes the newest computation when a score was stored twice', () => {
    // c1's intake HEALTH recomputed later as 0.5 (was 0.6): HEALTH first mean (0.5+0.4+0.2+0.7+0.5)/5 = 0.46
    const c1 = data.interviews.find((i) => i.clientId === 'c1' && i.round === 'intake' && i.instrumentId === 'demo')!;
    const older = { ...score(c1.id, 'HEALTH', 0.1), computedAt: '2023-06-01T00:00:00Z' };
    const newer = { ...score(c1.id, 'HEALTH', 0.5), computedAt: '2024-02-01T00:00:00Z' };
    const r = groupReport({ ...data, scores: [...data.scores, newer, older] }, demo, {}, opts);
    expect(r.scores.HEALTH!.meanFirst).toBeCloseTo(0.46, 10);
  });

  it('is empty but well-formed for no data', () => {
    const r = groupReport({ clients: [], interviews: [], scores: [] }, demo);
    expect(r.clients).toBe(0);
    expect(r.scores.HEALTH).toEqual(summary({ improved: 0, unchanged: 0, worsened: 0 }));
    expect(r.parameters.HEALTH?.rciStatus).toBe('ok');
  });
});

describe('groupReport filters', () => {
  it('sex', () => {
    // female: c1, c3, c6. HEALTH 0.6→0.3, 0.2→0.5, 0.7→0.4: first 1.5/3 = 0.5, last 1.2/3 = 0.4, change −0.1
    const f = groupReport(data, demo, { sex: ['female'] }, opts);
    expect(f.clients).toBe(3);
    expectSummary(f.scores.HEALTH, summary({ n: 3, meanFirst: 0.5, meanLast: 0.4, meanChange: -0.1, improved: 2, unchanged: 0, worsened: 1, missing: 0 }));
    // WORK: c1 0.5→0.4, c6 0.8→0.5; c3 missing
    expectSummary(f.scores.WORK, summary({ n: 2, meanFirst: 0.65, meanLast: 0.45, meanChange: -0.2, missing: 1 }));
    expect(f.filter).toEqual({ sex: ['female'] });
    // male or other: c2, c4, c5, c7. HEALTH pairs c2 0.4→0.5, c7 0.5→0.5
    const m = groupReport(data, demo, { sex: ['male', 'other'] }, opts);
    expect(m.clients).toBe(4);
    expectSummary(m.scores.HEALTH, summary({ n: 2, meanFirst: 0.45, meanLast: 0.5, meanChange: 0.05, improved: 0, unchanged: 2, worsened: 0, missing: 2 }));
  });

  it('age band (age at the first round)', () => {
    // 25-34: c1 (34) and c6 (2023 − 1995 = 28): 0.6→0.3, 0.7→0.4
    const r = groupReport(data, demo, { ageBands: ['25-34'] }, opts);
    expect(r.clients).toBe(2);
    expectSummary(r.scores.HEALTH, summary({ n: 2, meanFirst: 0.65, meanLast: 0.35, meanChange: -0.3, improved: 2, unchanged: 0, worsened: 0, missing: 0 }));
    // c3 is 24 at the first round (2024) though 25 at the last: 18-24
    const young = groupReport(data, demo, { ageBands: ['18-24'] }, opts);
    expectSummary(young.scores.HEALTH, summary({ n: 1, meanFirst: 0.2, meanLast: 0.5, meanChange: 0.3, improved: 0, unchanged: 0, worsened: 1, missing: 0 }));
    // 55-64 or 65+: c4 only, one round → n 0, missing 1; c5 (no birth year) is in no band
    const old = groupReport(data, demo, { ageBands: ['55-64', '65+'] }, opts);
    expect(old.clients).toBe(1);
    expectSummary(old.scores.HEALTH, summary({ n: 0, improved: 0, unchanged: 0, worsened: 0, missing: 1 }));
    expect(() => groupReport(data, demo, { ageBands: ['young'] }, opts)).toThrow(/Age band "young"/);
  });

  it('primary substance (answer at the first round)', () => {
    // code 1 at the first round: c1, c3, c7 (c1's last round says 4, c7's terminated intake says 4: not counted)
    // HEALTH 0.6→0.3, 0.2→0.5, 0.5→0.5: first 1.3/3, last 1.3/3, change 0
    const r = groupReport(data, demo, { primarySubstance: [1] }, opts);
    expect(r.clients).toBe(3);
    expectSummary(r.scores.HEALTH, summary({ n: 3, meanFirst: 1.3 / 3, meanLast: 1.3 / 3, meanChange: 0, improved: 1, unchanged: 1, worsened: 1, missing: 0 }));
    expect(groupReport(data, demo, { primarySubstance: [4] }, opts).clients).toBe(0);
    // codes 2 and 3: c2, c6, c4
    const r23 = groupReport(data, demo, { primarySubstance: [2, 3] }, opts);
    expect(r23.clients).toBe(3);
    expectSummary(r23.scores.HEALTH, summary({ n: 2, meanFirst: 0.55, meanLast: 0.45, meanChange: -0.1, improved: 1, unchanged: 1, worsened: 0, missing: 1 }));
    // The default item is ASI's D14, which the demo does not have: nobody matches.
    expect(groupReport(data, demo, { primarySubstance: [1] }).clients).toBe(0);
  });

  it('date range on the first round (inclusive, by the local date written in the timestamp)', () => {
    // 2024-02-01 … 2024-05-20: c2 (02-01), c3 (03-05), c4 (04-01), c5 (05-20 23:30 local)
    const r = groupReport(data, demo, { from: '2024-02-01', to: '2024-05-20' }, opts);
    expect(r.clients).toBe(4);
    // HEALTH pairs c2 0.4→0.5, c3 0.2→0.5: first 0.3, last 0.5, change 0.2
    expectSummary(r.scores.HEALTH, summary({ n: 2, meanFirst: 0.3, meanLast: 0.5, meanChange: 0.2, improved: 0, unchanged: 1, worsened: 1, missing: 2 }));
    expect(groupReport(data, demo, { from: '2024-04-01' }, opts).clients).toBe(3); // c4, c5, c7
    const early = groupReport(data, demo, { to: '2023-12-31' }, opts); // c6
    expect(early.clients).toBe(1);
    expectSummary(early.scores.HEALTH, summary({ n: 1, meanFirst: 0.7, meanLast: 0.4, meanChange: -0.3, improved: 1, unchanged: 0, worsened: 0, missing: 0 }));
  });

  it('interval between the first and the last round (whole months)', () => {
    expect(monthsBetween('2024-01-15T10:00:00Z', '2024-07-14T10:00:00Z')).toBe(5);
    expect(monthsBetween('2024-01-15', '2024-07-15')).toBe(6);
    expect(monthsBetween('2023-12-01', '2024-12-01')).toBe(12);
    // Intervals: c1 6, c2 3, c3 12, c5 6, c6 12, c7 2; c4 has no second round and never matches.
    const six = groupReport(data, demo, { intervalMonths: { min: 6, max: 6 } }, opts); // c1, c5
    expect(six.clients).toBe(2);
    expectSummary(six.scores.HEALTH, summary({ n: 1, meanFirst: 0.6, meanLast: 0.3, meanChange: -0.3, improved: 1, unchanged: 0, worsened: 0, missing: 1 }));
    const short = groupReport(data, demo, { intervalMonths: { max: 3 } }, opts); // c2, c7
    expectSummary(short.scores.HEALTH, summary({ n: 2, meanFirst: 0.45, meanLast: 0.5, meanChange: 0.05, improved: 0, unchanged: 2, worsened: 0, missing: 0 }));
    const long = groupReport(data, demo, { intervalMonths: { min: 12 } }, opts); // c3, c6
    expectSummary(long.scores.HEALTH, summary({ n: 2, meanFirst: 0.45, meanLast: 0.45, meanChange: 0, improved: 1, unchanged: 0, worsened: 1, missing: 0 }));
  });

  it('instrument version (only interviews taken with the listed versions count)', () => {
    // 1.0.0: c2's follow-up (2.0.0) drops out, so c2 has one round → missing. Pairs c1, c3, c6, c7:
    // HEALTH first (0.6+0.2+0.7+0.5)/4 = 0.5, last (0.3+0.5+0.4+0.5)/4 = 0.425, change −0.075
    const v1 = groupReport(data, demo, { instrumentVersions: ['1.0.0'] }, opts);
    expect(v1.clients).toBe(7);
    expectSummary(v1.scores.HEALTH, summary({ n: 4, meanFirst: 0.5, meanLast: 0.425, meanChange: -0.075, improved: 2, unchanged: 1, worsened: 1, missing: 3 }));
    const v2 = groupReport(data, demo, { instrumentVersions: ['2.0.0'] }, opts);
    expect(v2.clients).toBe(1);
    expectSummary(v2.scores.HEALTH, summary({ n: 0, improved: 0, unchanged: 0, worsened: 0, missing: 1 }));
  });

  it('rounds (which rounds are first/last candidates)', () => {
    // Follow-ups only: c1, c2, c3, c5, c7 have one each (missing), c6 has two (0.6→0.4: RCI −2, improved); c4 none
    const fu = groupReport(data, demo, { rounds: ['follow-up'] }, opts);
    expect(fu.clients).toBe(6);
    expectSummary(fu.scores.HEALTH, summary({ n: 1, meanFirst: 0.6, meanLast: 0.4, meanChange: -0.2, improved: 1, unchanged: 0, worsened: 0, missing: 5 }));
    expectSummary(fu.scores.WORK, summary({ n: 1, meanFirst: 0.7, meanLast: 0.5, meanChange: -0.2, missing: 5 }));
    // Intakes only: everyone has one round
    const intake = groupReport(data, demo, { rounds: ['intake'] }, opts);
    expect(intake.clients).toBe(7);
    expectSummary(intake.scores.HEALTH, summary({ n: 0, improved: 0, unchanged: 0, worsened: 0, missing: 7 }));
  });

  it('filters combine', () => {
    // female and ≥ 12 months: c3, c6
    const r = groupReport(data, demo, { sex: ['female'], intervalMonths: { min: 12 } }, opts);
    expect(r.clients).toBe(2);
    expect(r.scores.HEALTH).toMatchObject({ n: 2, improved: 1, worsened: 1 });
  });
});

describe('groupBy', () => {
  const health = (g: { report: { scores: Record<string, GroupScoreSummary> } }) => g.report.scores.HEALTH!;

  it('sex', () => {
    const r = groupBy('sex', data, demo, {}, opts);
    expect(r.by).toBe('sex');
    expect(r.clients).toBe(7);
    expect(r.groups.map((g) => [g.group, g.report.clients])).toEqual([
      ['female', 3],
      ['male', 3],
      ['other', 1],
    ]);
    expectSummary(health(r.groups[0]!), summary({ n: 3, meanFirst: 0.5, meanLast: 0.4, meanChange: -0.1, improved: 2, unchanged: 0, worsened: 1, missing: 0 }));
    // male: c2 0.4→0.5, c7 0.5→0.5, c4 missing
    expectSummary(health(r.groups[1]!), summary({ n: 2, meanFirst: 0.45, meanLast: 0.5, meanChange: 0.05, improved: 0, unchanged: 2, worsened: 0, missing: 1 }));
    expectSummary(health(r.groups[2]!), summary({ n: 0, improved: 0, unchanged: 0, worsened: 0, missing: 1 }));
    expect(r.parameters.WORK?.sdSource).toBe('sample SD of first rounds, n = 7');
  });

  it('age band, with unknown last', () => {
    const r = groupBy('age', data, demo, {}, opts);
    expect(r.groups.map((g) => [g.group, g.report.clients])).toEqual([
      ['18-24', 1],
      ['25-34', 2],
      ['35-44', 1],
      ['45-54', 1],
      ['55-64', 1],
      ['unknown', 1],
    ]);
    expectSummary(health(r.groups[1]!), summary({ n: 2, meanFirst: 0.65, meanLast: 0.35, meanChange: -0.3, improved: 2, unchanged: 0, worsened: 0, missing: 0 }));
    // Host bands are also a filter: c5 (no birth year) is in none of them
    const wide = groupBy('age', data, demo, { ageBands: ['18-39', '40+'] }, opts);
    expect(wide.groups.map((g) => [g.group, g.report.clients])).toEqual([
      ['18-39', 3], // c1, c3, c6
      ['40+', 3], // c2, c4, c7
    ]);
  });

  it('primary substance, within a filter', () => {
    const r = groupBy('substance', data, demo, {}, opts);
    expect(r.groups.map((g) => [g.group, g.report.clients])).toEqual([
      ['1', 3],
      ['2', 2],
      ['3', 1],
      ['unknown', 1],
    ]);
    // code 2: c2 0.4→0.5 (+1 unchanged), c6 0.7→0.4 (−3 improved)
    expectSummary(health(r.groups[1]!), summary({ n: 2, meanFirst: 0.55, meanLast: 0.45, meanChange: -0.1, improved: 1, unchanged: 1, worsened: 0, missing: 0 }));
    const female = groupBy('substance', data, demo, { sex: ['female'] }, opts);
    expect(female.groups.map((g) => [g.group, g.report.clients])).toEqual([
      ['1', 2],
      ['2', 1],
    ]);
  });
});

describe('scale', () => {
  it('1,000 clients × 3 rounds', () => {
    // Deterministic pseudo-random data (LCG) so that a failure reproduces.
    let seed = 42;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) % 2 ** 32) / 2 ** 32);
    const big: Required<GroupData> = { clients: [], interviews: [], scores: [], answers: [] };
    const sexes: Sex[] = ['female', 'male', 'other', 'unknown'];
    for (let c = 0; c < 1000; c++) {
      const id = `c${c}`;
      (big.clients as ClientRecord[]).push(client(id, sexes[c % 4]!, 1950 + (c % 50)));
      for (let r = 0; r < 3; r++) {
        const iv = `${id}-${r}`;
        const month = String(1 + r * 4).padStart(2, '0');
        (big.interviews as InterviewRecord[]).push(interview(iv, id, r === 0 ? 'intake' : 'follow-up', `2024-${month}-15T10:00:00+01:00`));
        (big.scores as ScoreRecord[]).push(score(iv, 'HEALTH', rand() < 0.05 ? null : Math.round(rand() * 100) / 100), score(iv, 'WORK', Math.round(rand() * 100) / 100));
        (big.answers as AnswerRecord[]).push(answer(iv, 'G_HOUSING', 1 + (c % 4)), answer(iv, 'H_DAYS', c % 31));
      }
    }
    const t0 = performance.now();
    const r = groupReport(big, demo, {}, opts);
    const t1 = performance.now();
    const byAge = groupBy('age', big, demo, { intervalMonths: { min: 6 } }, opts);
    const t2 = performance.now();
    console.info(`group report, 1,000 clients × 3 rounds: ${(t1 - t0).toFixed(1)} ms; groupBy age with a filter: ${(t2 - t1).toFixed(1)} ms`);
    expect(r.clients).toBe(1000);
    expect(r.scores.HEALTH!.n + r.scores.HEALTH!.missing).toBe(1000);
    expect(r.scores.WORK).toMatchObject({ n: 1000, missing: 0 });
    const h = r.scores.HEALTH!;
    expect(h.improved! + h.unchanged! + h.worsened!).toBe(h.n);
    expect(byAge.groups.reduce((s, g) => s + g.report.clients, 0)).toBe(1000);
  });
});
