// AUDIT and DUDIT: item ids and order, option points as published, totals, the missing-data rule and every cut-off boundary.
import { describe, expect, it } from 'vitest';
import { builtinDefinition, loadInstrument, type AnswerValue, type CompiledInstrument } from '../../src/core/definition/index.js';
import { computeScores } from '../../src/core/scoring/composite.js';
import { classify, interpretScore, ratingRange, scoreRange } from '../../src/core/scoring/index.js';

const audit = loadInstrument(await builtinDefinition('audit'));
const dudit = loadInstrument(await builtinDefinition('dudit'));

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
const points = (instrument: CompiledInstrument, id: string) => instrument.item(id)!.options!.map((o) => o.value);
const answers = (prefix: string, values: AnswerValue[]): Record<string, AnswerValue> =>
  Object.fromEntries(values.map((v, i) => [`${prefix}${i + 1}`, v]));
const scores = (instrument: CompiledInstrument, given: Record<string, AnswerValue>) =>
  Object.fromEntries(computeScores(instrument, 'screening', (id) => given[id]).map((s) => [s.scoreId, s]));
const labels = (instrument: CompiledInstrument, scoreId: string, value: number | null, sex?: 'female' | 'male') =>
  classify(instrument, scoreId, value, sex).map((c) => c.label.en);

describe('AUDIT definition', () => {
  it('has AUDIT1…AUDIT10 in order, one screening round, choice items with X only', () => {
    expect(audit.items.map((i) => i.id)).toEqual(ids('AUDIT', 10));
    expect(audit.def.rounds.map((r) => r.id)).toEqual(['screening']);
    expect(audit.itemsInRound('screening').map((i) => i.id)).toEqual(ids('AUDIT', 10));
    for (const item of audit.items) {
      expect(item.def.kind).toBe('choice');
      expect(item.special).toEqual(['X']);
    }
  });

  it('gives each option the published points', () => {
    for (const id of ids('AUDIT', 8)) expect(points(audit, id), id).toEqual([0, 1, 2, 3, 4]);
    expect(points(audit, 'AUDIT9')).toEqual([0, 2, 4]);
    expect(points(audit, 'AUDIT10')).toEqual([0, 2, 4]);
  });

  it('explains the Swedish standard glass on item 2', () => {
    const help = audit.item('AUDIT2')!.def.help!;
    expect(help.sv).toContain('standardglas');
    expect(help.sv).toMatch(/folköl/);
    expect(help.sv).toMatch(/4 cl sprit/);
  });

  it('scores all 0 as 0 and all maximum as 40 and 12', () => {
    expect(scores(audit, answers('AUDIT', Array(10).fill(0)))).toMatchObject({ AUDIT: { value: 0 }, AUDIT_C: { value: 0 } });
    expect(scores(audit, answers('AUDIT', [4, 4, 4, 4, 4, 4, 4, 4, 4, 4]))).toMatchObject({ AUDIT: { value: 40 }, AUDIT_C: { value: 12 } });
  });

  it('sums a mixed answer set', () => {
    // 3+2+1 = 6 consumption; + 0+1+0+2+1 + 2+4 = 16 in all.
    const result = scores(audit, answers('AUDIT', [3, 2, 1, 0, 1, 0, 2, 1, 2, 4]));
    expect(result.AUDIT!.value).toBe(16);
    expect(result.AUDIT_C!.value).toBe(6);
    expect(result.AUDIT!.provenance.algorithm).toEqual({ id: 'audit-total', version: '1' });
    expect(result.AUDIT_C!.provenance.algorithm).toEqual({ id: 'audit-c', version: '1' });
  });

  it('leaves the total missing when an item is blank or X, but still computes AUDIT-C from items 1–3', () => {
    const blank = answers('AUDIT', [2, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    delete blank.AUDIT7;
    const r1 = scores(audit, blank);
    expect(r1.AUDIT).toMatchObject({ value: null, provenance: { missing: ['AUDIT7'] } });
    expect(r1.AUDIT_C).toMatchObject({ value: 4, provenance: { missing: [] } });

    const x = scores(audit, answers('AUDIT', [2, 1, 1, 0, 0, 0, 0, 0, 'X', 0]));
    expect(x.AUDIT).toMatchObject({ value: null, provenance: { missing: ['AUDIT9'] } });
    expect(x.AUDIT_C!.value).toBe(4);

    const xc = scores(audit, answers('AUDIT', [2, 'X', 1, 0, 0, 0, 0, 0, 0, 0]));
    expect(xc.AUDIT).toMatchObject({ value: null, provenance: { missing: ['AUDIT2'] } });
    expect(xc.AUDIT_C).toMatchObject({ value: null, provenance: { missing: ['AUDIT2'] } });
  });

  it('declares every cut-off with a source', () => {
    for (const c of audit.def.cutoffs!) expect(c.source.length).toBeGreaterThan(0);
    expect(audit.def.cutoffs!.find((c) => c.min === 20)!.source).toMatch(/tentative/);
  });

  const RISKY_M = 'Risky use (men: 8 points or more)';
  const RISKY_F = 'Risky use (women: 6 points or more)';
  const ZONE1 = 'WHO zone 8–15: simple advice';
  const ZONE2 = 'WHO zone 16–19: brief counselling and continued monitoring';
  const ZONE3 = 'WHO zone 20 or more: evaluation for possible dependence (tentative in the WHO manual)';

  it.each([
    [5, 'female', []],
    [6, 'female', [RISKY_F]],
    [7, 'female', [RISKY_F]],
    [8, 'female', [RISKY_F, ZONE1]],
    [5, 'male', []],
    [6, 'male', []],
    [7, 'male', []],
    [8, 'male', [RISKY_M, ZONE1]],
    [15, 'male', [RISKY_M, ZONE1]],
    [16, 'male', [RISKY_M, ZONE2]],
    [19, 'female', [RISKY_F, ZONE2]],
    [20, 'female', [RISKY_F, ZONE3]],
    [20, 'male', [RISKY_M, ZONE3]],
    [40, 'male', [RISKY_M, ZONE3]],
  ] as const)('AUDIT %i for %s', (value, sex, expected) => {
    expect(labels(audit, 'AUDIT', value, sex)).toEqual(expected);
  });

  it('applies only the sex-neutral WHO zones when sex is not given', () => {
    expect(labels(audit, 'AUDIT', 7)).toEqual([]);
    expect(labels(audit, 'AUDIT', 8)).toEqual([ZONE1]);
    expect(labels(audit, 'AUDIT', 15)).toEqual([ZONE1]);
    expect(labels(audit, 'AUDIT', 16)).toEqual([ZONE2]);
    expect(labels(audit, 'AUDIT', 19)).toEqual([ZONE2]);
    expect(labels(audit, 'AUDIT', 20)).toEqual([ZONE3]);
  });

  it.each([
    [2, 'female', []],
    [3, 'female', ['Positive AUDIT-C (women: 3 points or more)']],
    [4, 'female', ['Positive AUDIT-C (women: 3 points or more)']],
    [2, 'male', []],
    [3, 'male', []],
    [4, 'male', ['Positive AUDIT-C (men: 4 points or more)']],
    [12, 'male', ['Positive AUDIT-C (men: 4 points or more)']],
  ] as const)('AUDIT-C %i for %s', (value, sex, expected) => {
    expect(labels(audit, 'AUDIT_C', value, sex)).toEqual(expected);
  });

  it('does not classify a missing score', () => {
    expect(classify(audit, 'AUDIT', null, 'male')).toEqual([]);
    expect(classify(audit, 'AUDIT_C', null, 'female')).toEqual([]);
  });
});

describe('DUDIT definition', () => {
  it('has DUDIT1…DUDIT11 in order, one screening round, choice items with X only', () => {
    expect(dudit.items.map((i) => i.id)).toEqual(ids('DUDIT', 11));
    expect(dudit.def.rounds.map((r) => r.id)).toEqual(['screening']);
    for (const item of dudit.items) {
      expect(item.def.kind).toBe('choice');
      expect(item.special).toEqual(['X']);
    }
  });

  it('gives each option the published points', () => {
    for (const id of ids('DUDIT', 9)) expect(points(dudit, id), id).toEqual([0, 1, 2, 3, 4]);
    expect(points(dudit, 'DUDIT10')).toEqual([0, 2, 4]);
    expect(points(dudit, 'DUDIT11')).toEqual([0, 2, 4]);
    expect(dudit.item('DUDIT3')!.options!.map((o) => o.label.en)).toEqual(['0 times', '1–2 times', '3–4 times', '5–6 times', '7 times or more']);
  });

  it('scores all 0 as 0, all maximum as 44 and a mixed set as its hand sum', () => {
    expect(scores(dudit, answers('DUDIT', Array(11).fill(0))).DUDIT!.value).toBe(0);
    expect(scores(dudit, answers('DUDIT', Array(11).fill(4))).DUDIT!.value).toBe(44);
    // 2+1+1+3+0+2+1+0+4 = 14, + 2 + 4 = 20.
    expect(scores(dudit, answers('DUDIT', [2, 1, 1, 3, 0, 2, 1, 0, 4, 2, 4])).DUDIT).toMatchObject({
      value: 20,
      provenance: { algorithm: { id: 'dudit-total', version: '1' }, missing: [] },
    });
  });

  it('leaves the total missing when an item is blank or X', () => {
    const blank = answers('DUDIT', Array(11).fill(1));
    delete blank.DUDIT3;
    expect(scores(dudit, blank).DUDIT).toMatchObject({ value: null, provenance: { missing: ['DUDIT3'] } });
    const x = answers('DUDIT', Array(11).fill(0));
    x.DUDIT11 = 'X';
    expect(scores(dudit, x).DUDIT).toMatchObject({ value: null, provenance: { missing: ['DUDIT11'] } });
  });

  it('declares every cut-off with the authors as source', () => {
    for (const c of dudit.def.cutoffs!) expect(c.source).toMatch(/Berman, Bergman, Palmstierna & Schlyter 2003/);
  });

  const PROBLEMS_M = 'Probable drug-related problems (men: 6 points or more)';
  const PROBLEMS_F = 'Probable drug-related problems (women: 2 points or more)';
  const DEPENDENCE = 'Probable dependence (25 points or more)';

  it.each([
    [1, 'female', []],
    [2, 'female', [PROBLEMS_F]],
    [5, 'female', [PROBLEMS_F]],
    [6, 'female', [PROBLEMS_F]],
    [24, 'female', [PROBLEMS_F]],
    [25, 'female', [PROBLEMS_F, DEPENDENCE]],
    [1, 'male', []],
    [2, 'male', []],
    [5, 'male', []],
    [6, 'male', [PROBLEMS_M]],
    [24, 'male', [PROBLEMS_M]],
    [25, 'male', [PROBLEMS_M, DEPENDENCE]],
    [44, 'male', [PROBLEMS_M, DEPENDENCE]],
  ] as const)('DUDIT %i for %s', (value, sex, expected) => {
    expect(labels(dudit, 'DUDIT', value, sex)).toEqual(expected);
  });

  it('applies only the sex-neutral dependence cut-off when sex is not given, and never classifies a missing score', () => {
    expect(labels(dudit, 'DUDIT', 24)).toEqual([]);
    expect(labels(dudit, 'DUDIT', 25)).toEqual([DEPENDENCE]);
    expect(classify(dudit, 'DUDIT', null, 'female')).toEqual([]);
    expect(classify(dudit, 'DUDIT', null)).toEqual([]);
  });
});

describe('interpretScore', () => {
  const RISKY_M = 'Risky use (men: 8 points or more)';
  const RISKY_F = 'Risky use (women: 6 points or more)';
  const ZONE1 = 'WHO zone 8–15: simple advice';
  const ZONE3 = 'WHO zone 20 or more: evaluation for possible dependence (tentative in the WHO manual)';
  const en = (r: { matched: { label: { en: string } }[] }) => r.matched.map((c) => c.label.en);

  it('carries the declared range of AUDIT, AUDIT-C and DUDIT', () => {
    expect(interpretScore(audit, 'AUDIT', 7, 'male').range).toEqual({ min: 0, max: 40 });
    expect(interpretScore(audit, 'AUDIT_C', 2, 'male').range).toEqual({ min: 0, max: 12 });
    expect(interpretScore(dudit, 'DUDIT', 0, 'female').range).toEqual({ min: 0, max: 44 });
  });

  it('AUDIT 7 for a man: below the cut-off, the lowest applicable one being 8', () => {
    const r = interpretScore(audit, 'AUDIT', 7, 'male');
    expect(r).toMatchObject({ value: 7, matched: [], below: true, sexNeeded: false });
    expect(Math.min(...r.applicable.map((c) => c.min))).toBe(8);
  });

  it('AUDIT 8 for a man: risky use and WHO zone 8–15', () => {
    const r = interpretScore(audit, 'AUDIT', 8, 'male');
    expect(en(r)).toEqual([RISKY_M, ZONE1]);
    expect(r).toMatchObject({ below: false, sexNeeded: false });
  });

  it('AUDIT 6 for a woman: risky use, although under every WHO zone', () => {
    const r = interpretScore(audit, 'AUDIT', 6, 'female');
    expect(en(r)).toEqual([RISKY_F]);
    expect(r).toMatchObject({ below: false, sexNeeded: false });
  });

  it('AUDIT 20 falls in the WHO zone of 20 or more for either sex', () => {
    expect(en(interpretScore(audit, 'AUDIT', 20, 'male'))).toEqual([RISKY_M, ZONE3]);
    expect(en(interpretScore(audit, 'AUDIT', 20, 'female'))).toEqual([RISKY_F, ZONE3]);
  });

  it('with the sex unknown, other or not given: says the sex-specific cut-offs need it, applies only the neutral ones', () => {
    for (const sex of ['unknown', 'other', undefined] as const) {
      const seven = interpretScore(audit, 'AUDIT', 7, sex);
      expect(seven, String(sex)).toMatchObject({ matched: [], sexNeeded: true, below: true });
      expect(seven.applicable.every((c) => c.sex === undefined)).toBe(true);
      expect(en(interpretScore(audit, 'AUDIT', 20, sex))).toEqual([ZONE3]);
      expect(interpretScore(audit, 'AUDIT', 20, sex).sexNeeded).toBe(true);
    }
    // AUDIT-C has only sex-specific cut-offs: nothing applies, so it is not "below" anything either.
    expect(interpretScore(audit, 'AUDIT_C', 2, 'unknown')).toMatchObject({ matched: [], applicable: [], below: false, sexNeeded: true });
    expect(interpretScore(dudit, 'DUDIT', 3, 'unknown')).toMatchObject({ matched: [], below: true, sexNeeded: true });
  });

  it('interprets a missing score as nothing at all', () => {
    for (const value of [null, undefined, Number.NaN]) {
      expect(interpretScore(audit, 'AUDIT', value, 'male')).toEqual({ value: null, range: { min: 0, max: 40 }, matched: [], applicable: [], below: false, sexNeeded: false });
      expect(interpretScore(audit, 'AUDIT', value, 'unknown')).toMatchObject({ matched: [], below: false, sexNeeded: false });
    }
  });

  it('a score without cut-offs is never below and never needs the sex', async () => {
    const demo = loadInstrument(await builtinDefinition('demo'));
    expect(interpretScore(demo, 'HEALTH', 0.4, 'unknown')).toEqual({ value: 0.4, matched: [], applicable: [], below: false, sexNeeded: false });
  });

  it('is not "below" for a value in a gap between bounded bands', () => {
    const gapped = loadInstrument({
      ...structuredClone(audit.def),
      cutoffs: [
        { score: 'AUDIT', min: 5, max: 9, label: { sv: 'a', en: 'a' }, source: 'test' },
        { score: 'AUDIT', min: 20, label: { sv: 'b', en: 'b' }, source: 'test' },
      ],
    });
    expect(interpretScore(gapped, 'AUDIT', 4)).toMatchObject({ matched: [], below: true });
    expect(interpretScore(gapped, 'AUDIT', 12)).toMatchObject({ matched: [], below: false });
  });
});

describe('scoreRange and ratingRange', () => {
  it('gives the declared score range, or 0–1 for a score that declares none', async () => {
    const demo = loadInstrument(await builtinDefinition('demo'));
    expect(scoreRange(audit, 'AUDIT')).toEqual({ min: 0, max: 40 });
    expect(scoreRange(dudit, 'DUDIT')).toEqual({ min: 0, max: 44 });
    expect(scoreRange(demo, 'HEALTH')).toEqual({ min: 0, max: 1 });
  });

  it('takes the range of a rating item from its options: ADAD youth ratings 0–3, interviewer 0–9', async () => {
    const adad = loadInstrument(await builtinDefinition('adad'));
    expect(ratingRange(adad, 'P_WORRY')).toEqual({ min: 0, max: 3 });
    expect(ratingRange(adad, 'P_HELP')).toEqual({ min: 0, max: 3 });
    expect(ratingRange(adad, 'P_SEV')).toEqual({ min: 0, max: 9 });
    expect(ratingRange(adad, 'NO_SUCH_ITEM')).toBeUndefined();
  });
});
