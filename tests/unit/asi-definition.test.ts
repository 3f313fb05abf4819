// The ASI definition against the project reference (shared/reference/asi.md): ids and order, rounds, "since the last
// interview" items, special codes, skip/auto-fill rules, scores, profile, and the worked composite examples.
import { describe, expect, it } from 'vitest';
// Worked examples from shared/reference (computed by an independent implementation), copied so CI needs no outside path.
import examples from '../fixtures/asi-composite-examples.json';
import { builtinDefinition, loadInstrument, type AnswerValue } from '../../src/core/definition/index.js';
import { planInterview, type AnswerMap } from '../../src/core/flow/plan.js';
import { computeScores } from '../../src/core/scoring/composite.js';

const instrument = loadInstrument(await builtinDefinition('asi'));

/**
 * The reference's item table, transcribed: id, then Full (grund), Lite (lite) and Follow-up (uppfoljning);
 * x = asked, x* = asked in the follow-up for the period since the last interview, - = not asked.
 */
const TABLE = `
   G4 x x x
   G5 x x x
   G6 x - -
   G7 x - -
   G9 x x x
   G11 x x x
   G12 x x x
   G14 x x -
   G15 x - -
   G19 x x x
   G20 x x x
   M1 x x x*
   M2 x - -
   M3 x x -
   M3_SPEC x x -
   M4 x x x
   M5 x x x
   M5_SPEC x x x
   M6 x x x
   M7 x x x
   M8 x x x
   M9 x - x
   M10 x x x
   M11 x x x
   E1 x x x*
   E2 x x x*
   E3 x - -
   E3_SPEC x - -
   E4 x x x
   E5 x x x
   E6 x x -
   E7 x x x*
   E7_SPEC x x x
   E8 x - x
   E9 x x x
   E10 x x -
   E11 x x x
   E12 x x x
   E13 x x x
   E14 x x x
   E15 x x x
   E16 x x x
   E17 x x x
   E18 x x x
   E19 x - x
   E20 x - x
   E21 x x x
   E22 x - x
   E23 x x x
   E24 x x x
   D1_30 x x x
   D1_LT x x -
   D1_RT x x x
   D2_30 x x x
   D2_LT x x -
   D2_RT x x x
   D3_30 x x x
   D3_LT x x -
   D3_RT x x x
   D4_30 x x x
   D4_LT x x -
   D4_RT x x x
   D5_30 x x x
   D5_LT x x -
   D5_RT x x x
   D6_30 x x x
   D6_LT x x -
   D6_RT x x x
   D7_30 x x x
   D7_LT x x -
   D7_RT x x x
   D8_30 x x x
   D8_LT x x -
   D8_RT x x x
   D9_30 x x x
   D9_LT x x -
   D9_RT x x x
   D10_30 x x x
   D10_LT x x -
   D10_RT x x x
   D11_30 x x x
   D11_LT x x -
   D11_RT x x x
   D12_30 x x x
   D12_LT x x -
   D12_RT x x x
   D13_30 x x x
   D13_LT x x -
   D14 x - x
   D15 x - -
   D16 x - -
   D17 x - x*
   D18 x - x*
   D19 x x x*
   D20 x x x*
   D21 x - x*
   D22 x - x*
   D23 x x x*
   D24 x x x*
   D25 x x x
   D26 x x x
   D27 x x x
   D28 x x x
   D29 x x x
   D30 x x x
   D31 x x x
   D32 x - x
   D33 x - x
   D34 x x x
   D35 x x x
   L1 x x -
   L2 x x x
   L3 x x x*
   L4 x x x*
   L5 x x x*
   L6 x x x*
   L7 x x x*
   L8 x x x*
   L9 x x x*
   L10 x x x*
   L11 x x x*
   L12 x x x*
   L13 x x x*
   L14 x x x*
   L15 x x x*
   L16 x x x*
   L17 x x x*
   L18 x x x*
   L19 x x x*
   L20 x x x*
   L21 x x x*
   L22 x - x
   L23 x - x
   L24 x x x
   L25 x x x
   L26 x x x
   L27 x x x
   L28 x x x
   L29 x x x
   L30 x - x
   L31 x x x
   L32 x x x
   H1_A x - -
   H1_D x - -
   H1_P x - -
   H2_A x - -
   H2_D x - -
   H2_P x - -
   H3_A x - -
   H3_D x - -
   H3_P x - -
   H4_A x - -
   H4_D x - -
   H4_P x - -
   H5_A x - -
   H5_D x - -
   H5_P x - -
   H6_A x - -
   H6_D x - -
   H6_P x - -
   H7_A x - -
   H7_D x - -
   H7_P x - -
   H8_A x - -
   H8_D x - -
   H8_P x - -
   H9_A x - -
   H9_D x - -
   H9_P x - -
   H10_A x - -
   H10_D x - -
   H10_P x - -
   H11_A x - -
   H11_D x - -
   H11_P x - -
   H12_A x - -
   H12_D x - -
   H12_P x - -
   F1 x x x
   F2 x - -
   F3 x x x
   F4 x x x*
   F5 x - -
   F6 x x x
   F7 x x x
   F8 x x x
   F9 x - x
   F10 x - x
   F11 x - x
   F12 x - -
   F13 x - -
   F14 x - -
   F15 x - -
   F16 x - -
   F17 x - -
   F18_30 x x x
   F18_LT x x -
   F19_30 x x x
   F19_LT x x -
   F20_30 x x x
   F20_LT x x -
   F21_30 x x x
   F21_LT x x -
   F22_30 x x x
   F22_LT x x -
   F23_30 x x x
   F23_SPEC x x x
   F23_LT x x -
   F24_30 x x x
   F24_LT x x -
   F25_30 x x x
   F25_LT x x -
   F26_30 x x x
   F26_LT x x -
   F27_30 x - x
   F27_LT x - -
   F28_30 x x x
   F28_LT x x -
   F29_30 x x x
   F29_LT x x -
   F30 x x x
   F31 x x x
   F32 x x x
   F33 x - x
   F34 x x x
   F35 x - x
   F36 x - x
   F37 x x x
   F38 x x x
   P1 x x x*
   P2 x x x*
   P3 x x x
   P4_30 x x x
   P4_LT x x -
   P5_30 x x x
   P5_LT x x -
   P6_30 x x x
   P6_LT x x -
   P7_30 x x x
   P7_LT x x -
   P8_30 x x x
   P8_LT x x -
   P9_30 x x x
   P9_LT x x -
   P10_30 x x x
   P10_LT x x -
   P11_30 x x x
   P11_LT x x -
   P12 x x x
   P13 x x x
   P14 x x x
   P15 x - x
   P16 x - x
   P17 x - x
   P18 x - x
   P19 x - x
   P20 x - x
   P21 x - x
   P22 x x x
   P23 x x x
`;

const ROWS = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [id, grund, lite, uppfoljning] = line.trim().split(/\s+/) as [string, string, string, string];
    return { id, grund, lite, uppfoljning };
  });
const ROUNDS = ['grund', 'lite', 'uppfoljning'] as const;

const entered = (answers: Record<string, AnswerValue>): AnswerMap =>
  Object.fromEntries(Object.entries(answers).map(([id, value]) => [id, { value, source: 'entered' as const }]));
const plan = (round: string, answers: Record<string, AnswerValue>) => planInterview(instrument, round, entered(answers));

describe('ASI definition: structure', () => {
  it('has every item id of the reference exactly once, in the reference order, and no others', () => {
    expect(ROWS).toHaveLength(260);
    expect(instrument.items.map((i) => i.id)).toEqual(ROWS.map((r) => r.id));
  });

  it('groups the items in the eight sections, family history in Grund only', () => {
    const prefix = { general: 'G', medical: 'M', employment: 'E', drugs: 'D', legal: 'L', family_history: 'H', family: 'F', psychiatric: 'P' };
    expect(instrument.sections.map((s) => s.id)).toEqual(Object.keys(prefix));
    for (const section of instrument.sections) {
      for (const item of section.items) expect(item.id.startsWith(prefix[section.id as keyof typeof prefix])).toBe(true);
    }
    expect(instrument.sections.find((s) => s.id === 'family_history')!.def.rounds).toEqual(['grund']);
    expect(instrument.def.dateItem).toBe('G5');
    expect(instrument.def.rounds.map((r) => [r.id, r.followUp ?? false])).toEqual([
      ['grund', false],
      ['lite', false],
      ['uppfoljning', true],
    ]);
  });

  for (const round of ROUNDS) {
    it(`asks exactly the reference's items in round ${round}`, () => {
      const expected = ROWS.filter((r) => r[round] !== '-').map((r) => r.id);
      expect(instrument.itemsInRound(round).map((i) => i.id)).toEqual(expected);
    });
  }

  it('asks the x* items since the last interview in the follow-up, with wording that names the date', () => {
    const expected = ROWS.filter((r) => r.uppfoljning === 'x*').map((r) => r.id);
    expect(instrument.items.filter((i) => i.sinceLast.size > 0).map((i) => i.id)).toEqual(expected);
    for (const item of instrument.items.filter((i) => i.sinceLast.size > 0)) {
      expect([...item.sinceLast]).toEqual(['uppfoljning']);
      expect(item.def.sinceLastText?.sv).toContain('sedan {since}');
      expect(item.def.sinceLastText?.en).toContain('since {since}');
    }
  });

  it('has no interviewer severity ratings in ASI Lite', () => {
    const lite = new Set(instrument.itemsInRound('lite').map((i) => i.id));
    for (const item of instrument.items.filter((i) => i.def.kind === 'scale' && i.def.scale === 'severity09')) {
      expect(lite.has(item.id)).toBe(false);
    }
  });

  it('allows X everywhere (G12: N = completed only) and N only where it means something', () => {
    const range = (p: string, a: number, b: number, s = '') => Array.from({ length: b - a + 1 }, (_, i) => `${p}${a + i}${s}`);
    const withN = new Set([
      'G20', 'M2', 'E9', 'L22', 'L23', 'L25',
      ...range('D', 1, 12, '_RT'),
      ...range('F', 12, 17),
      ...range('F', 18, 26).flatMap((f) => [`${f}_30`, `${f}_LT`]),
      ...range('H', 1, 12).flatMap((h) => [`${h}_A`, `${h}_D`, `${h}_P`]),
    ]);
    for (const item of instrument.items) {
      if (item.id === 'G12') expect(item.special).toEqual(['N']);
      else expect(item.special).toEqual(withN.has(item.id) ? ['X', 'N'] : ['X']);
    }
  });

  it('uses the shared scales: route for every D*_RT, satisfaction for F3, F6, F10', () => {
    for (let n = 1; n <= 12; n++) expect(instrument.item(`D${n}_RT`)!.def.optionsFrom).toBe('route');
    for (const id of ['F3', 'F6', 'F10']) expect(instrument.item(id)!.def.optionsFrom).toBe('satisfaction');
    expect(instrument.scale('route')!.options.map((o) => o.value)).toEqual([1, 2, 3, 4, 5]);
    expect(instrument.scale('satisfaction')!.options.map((o) => o.value)).toEqual([0, 1, 2]);
    expect(instrument.scale('client04')!.options.map((o) => o.value)).toEqual([0, 1, 2, 3, 4]);
    expect(instrument.scale('severity09')!.bands!.map((b) => [b.min, b.max])).toEqual([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]);
    const charges = [...Array.from({ length: 14 }, (_, i) => i + 3), 18, 19, 20];
    expect(instrument.item('L23')!.options!.map((o) => o.value)).toEqual(charges);
    expect(instrument.item('L25')!.options!.map((o) => o.value)).toEqual(charges);
  });

  it('marks critical items for every interviewer rating, including each composite input', () => {
    const ratings = ['M9', 'E22', 'D32', 'D33', 'L30', 'F36', 'P21'];
    for (const rating of ratings) expect(instrument.items.some((i) => i.def.critical?.includes(rating))).toBe(true);
    const byScore: Record<string, string> = { MED: 'M9', EMP: 'E22', ALC: 'D32', DRUG: 'D33', LEGAL: 'L30', FAM: 'F36', PSY: 'P21' };
    for (const score of instrument.scores) {
      for (const input of score.inputs) expect(instrument.item(input)!.def.critical, `${input} for ${score.id}`).toContain(byScore[score.id]);
    }
  });
});

describe('ASI definition: skip and auto-fill rules', () => {
  it('G19 = 1 fills G20 with N; another environment asks G20', () => {
    expect(plan('grund', { G19: 1 }).step('G20')).toMatchObject({ state: 'autofill', value: 'N' });
    expect(plan('grund', { G19: 3 }).step('G20')!.state).toBe('ask');
  });

  it('M1 = 0 fills M2 with N; M1 = X asks M2', () => {
    expect(plan('grund', { M1: 0 }).step('M2')).toMatchObject({ state: 'autofill', value: 'N' });
    expect(plan('grund', { M1: 'X' }).step('M2')!.state).toBe('ask');
  });

  it('skips the specifications when the answer is no', () => {
    expect(plan('grund', { M3: 0, M5: 0, E3: 0, F23_30: 0 }).steps.filter((s) => s.state === 'skip').map((s) => s.item.id)).toEqual([
      'M3_SPEC',
      'M5_SPEC',
      'E3_SPEC',
      'F23_SPEC',
    ]);
    const yes = plan('grund', { M3: 1, M5: 1, E3: 1, F23_30: 1 });
    for (const id of ['M3_SPEC', 'M5_SPEC', 'E3_SPEC', 'F23_SPEC']) expect(yes.step(id)!.state).toBe('ask');
  });

  it('E4 = 0 fills E5 with 0; E8 = 0 fills E9 with N', () => {
    const p = plan('grund', { E4: 0, E8: 0 });
    expect(p.step('E5')).toMatchObject({ state: 'autofill', value: 0 });
    expect(p.step('E9')).toMatchObject({ state: 'autofill', value: 'N' });
    expect(plan('grund', { E4: 1, E8: 1 }).step('E5')!.state).toBe('ask');
    // ASI Lite does not ask E8, so E9 is asked.
    expect(plan('lite', {}).step('E9')!.state).toBe('ask');
  });

  it('L21 = 0 fills L22 and L23 with N; L24 = 0 fills L25 with N', () => {
    const p = plan('grund', { L21: 0, L24: 0 });
    for (const id of ['L22', 'L23', 'L25']) expect(p.step(id)).toMatchObject({ state: 'autofill', value: 'N' });
    const q = plan('uppfoljning', { L21: 4, L24: 1 });
    for (const id of ['L22', 'L23', 'L25']) expect(q.step(id)!.state).toBe('ask');
  });

  it('fills the route with N when a substance was never used regularly and not in the past 30 days', () => {
    for (let n = 1; n <= 12; n++) {
      expect(plan('grund', { [`D${n}_30`]: 0, [`D${n}_LT`]: 0 }).step(`D${n}_RT`)).toMatchObject({ state: 'autofill', value: 'N' });
    }
    expect(plan('grund', { D3_30: 0, D3_LT: 0 }).step('D3_RT')).toMatchObject({ state: 'autofill', value: 'N' });
    expect(plan('grund', { D3_30: 0, D3_LT: 2 }).step('D3_RT')!.state).toBe('ask');
    expect(plan('grund', { D3_30: 0, D3_LT: 'X' }).step('D3_RT')!.state).toBe('ask');
    expect(plan('grund', { D3_30: 2, D3_LT: 0 }).step('D3_RT')!.state).toBe('ask');
    expect(plan('grund', { D3_30: 'X', D3_LT: 0 }).step('D3_RT')!.state).toBe('ask');
    expect(plan('lite', { D3_30: 0, D3_LT: 0 }).step('D3_RT')).toMatchObject({ state: 'autofill', value: 'N' });
  });

  it('in the follow-up (no lifetime column) 0 days in the past 30 is enough for route N', () => {
    expect(instrument.itemsInRound('uppfoljning').some((i) => i.id === 'D3_LT')).toBe(false);
    expect(plan('uppfoljning', { D3_30: 0 }).step('D3_RT')).toMatchObject({ state: 'autofill', value: 'N' });
    expect(plan('uppfoljning', { D3_30: 2 }).step('D3_RT')!.state).toBe('ask');
    expect(plan('uppfoljning', {}).step('D3_RT')!.state).toBe('ask');
  });

  it('warns (does not block) when a client rating is above 0 after 0 problem days', () => {
    const cases: [string, string][] = [['M6', 'M7'], ['M6', 'M8'], ['E19', 'E20'], ['D26', 'D28'], ['D27', 'D29'], ['P12', 'P13']];
    for (const [days, rating] of cases) {
      const rules = instrument.item(rating)!.validate;
      expect(rules, rating).toHaveLength(1);
      expect(rules[0]!.level).toBe('warning');
      expect([...rules[0]!.rule.references].sort()).toEqual([days, rating].sort());
    }
  });
});

describe('ASI definition: composite scores', () => {
  const INPUTS: Record<string, string[]> = {
    MED: ['M6', 'M7', 'M8'],
    EMP: ['E4', 'E5', 'E11', 'E12'],
    ALC: ['D1_30', 'D2_30', 'D23', 'D26', 'D28', 'D30'],
    DRUG: ['D3_30', 'D4_30', 'D5_30', 'D6_30', 'D7_30', 'D8_30', 'D9_30', 'D10_30', 'D11_30', 'D13_30', 'D27', 'D29', 'D31'],
    LEGAL: ['E17', 'L24', 'L27', 'L28', 'L29'],
    FAM: ['F18_30', 'F19_30', 'F20_30', 'F21_30', 'F22_30', 'F23_30', 'F24_30', 'F25_30', 'F26_30', 'F3', 'F30', 'F32', 'F34'],
    PSY: ['P4_30', 'P5_30', 'P6_30', 'P7_30', 'P8_30', 'P9_30', 'P10_30', 'P11_30', 'P12', 'P13', 'P14'],
  };

  it('has the seven composites with the formulas\' inputs, in every round', () => {
    expect(instrument.scores.map((s) => s.id)).toEqual(Object.keys(INPUTS));
    for (const score of instrument.scores) {
      expect([...score.inputs].sort(), score.id).toEqual([...INPUTS[score.id]!].sort());
      expect(score.def.algorithm).toEqual({ id: 'asi-composite', version: '1' });
      expect(score.def.decimals).toBe(3);
      expect([...score.rounds]).toEqual([...ROUNDS]);
      expect([...score.allowCodes]).toEqual(score.id === 'FAM' ? INPUTS.FAM!.slice(0, 9) : []);
    }
  });

  it('shows each composite with its interviewer rating in the profile', () => {
    expect(instrument.def.profile!.map((a) => [a.id, a.scores, a.ratings])).toEqual([
      ['MED', ['MED'], ['M9']],
      ['EMP', ['EMP'], ['E22']],
      ['ALC', ['ALC'], ['D32']],
      ['DRUG', ['DRUG'], ['D33']],
      ['LEGAL', ['LEGAL'], ['L30']],
      ['FAM', ['FAM'], ['F36']],
      ['PSY', ['PSY'], ['P21']],
    ]);
  });

  it('sets the published reliabilities as change parameters, nothing for FAM and no SD', () => {
    const params = instrument.def.changeParameters!;
    expect(Object.fromEntries(params.map((c) => [c.score, c.reliability]))).toEqual({ ALC: 0.8, DRUG: 0.8, EMP: 0.8, LEGAL: 0.8, MED: 0.5, PSY: 0.5 });
    for (const c of params) {
      expect(c.sd).toBeUndefined();
      expect(c.source).toContain('Test-Retest Reliability of the Addiction Severity Index Composite Scores Among Clients in Residential Treatment');
    }
  });

  const cases = examples as { answers: Record<string, AnswerValue>; expected: Record<string, number | null> }[];
  it.each(cases.map((c, i) => [i + 1, c] as const))('example %i gives the expected composites', (_n, example) => {
    for (const round of ROUNDS) {
      const results = computeScores(instrument, round, (id) => example.answers[id]);
      for (const [scoreId, expected] of Object.entries(example.expected)) {
        const value = results.find((r) => r.scoreId === scoreId)!.value;
        if (expected === null) expect(value, scoreId).toBeNull();
        else expect(Math.abs(value! - expected), `${scoreId}: ${value} vs ${expected}`).toBeLessThan(1e-9);
      }
    }
  });

  it('scores EMP through the skip rule: E4 = 0 fills E5 with 0 (hand-computed)', () => {
    const plan = planInterview(instrument, 'grund', { E4: { value: 0, source: 'entered' }, E11: { value: 10, source: 'entered' }, E12: { value: 0, source: 'entered' } });
    const emp = computeScores(instrument, 'grund', plan.lookup).find((r) => r.scoreId === 'EMP')!;
    // 1 − (E4/4 + E5/4 + E11/120 + 0) = 1 − (0 + 0 + 10/120) with E12 = 0 (ln term 0)
    expect(emp.value).toBeCloseTo(1 - 10 / 120, 12);
    expect(emp.provenance.inputs).toMatchObject({ E4: 0, E5: 0, E11: 10, E12: 0 });
  });

  it('never treats X, N or blank in an ordinary input as 0 (hand-computed otherwise)', () => {
    const med = (answers: Record<string, AnswerValue>) => computeScores(instrument, 'grund', (id) => answers[id]).find((r) => r.scoreId === 'MED')!;
    expect(med({ M6: 9, M7: 3, M8: 0 }).value).toBeCloseTo(9 / 90 + 3 / 12 + 0 / 12, 12);
    for (const code of ['X', 'N'] as const) {
      expect(med({ M6: code, M7: 3, M8: 0 })).toMatchObject({ value: null, provenance: { missing: ['M6'] } });
    }
    expect(med({ M7: 3, M8: 0 })).toMatchObject({ value: null, provenance: { missing: ['M6'] } });
    const alc = computeScores(instrument, 'grund', (id) => ({ D1_30: 4, D2_30: 1, D26: 2, D28: 1, D30: 2, D23: 'X' })[id as 'D1_30']).find((r) => r.scoreId === 'ALC')!;
    expect(alc).toMatchObject({ value: null, provenance: { missing: ['D23'] } });
    const alcOk = computeScores(instrument, 'grund', (id) => ({ D1_30: 4, D2_30: 1, D26: 2, D28: 1, D30: 2, D23: 1500 })[id as 'D1_30']).find((r) => r.scoreId === 'ALC')!;
    expect(alcOk.value).toBeCloseTo((4 + 1 + 2) / 180 + (1 + 2) / 24 + Math.log(1500) / 44, 12);
  });

  it('makes FAM missing for a blank relationship item, but not for X/N', () => {
    const base: Record<string, AnswerValue> = { F3: 1, F30: 0, F32: 0, F34: 0 };
    for (let n = 18; n <= 26; n++) base[`F${n}_30`] = 'N';
    const fam = (answers: Record<string, AnswerValue>) =>
      computeScores(instrument, 'grund', (id) => answers[id]).find((r) => r.scoreId === 'FAM')!;
    expect(fam(base).value).toBeCloseTo(0.1, 12);
    const { F22_30: _dropped, ...blank } = base;
    expect(fam(blank).value).toBeNull();
    expect(fam(blank).provenance.missing).toEqual(['F22_30']);
  });
});
