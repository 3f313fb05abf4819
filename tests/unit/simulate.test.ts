// The simulation: reproducible by seed, a valid bundle with intact audit chains, answers that follow the plan, plausible change.
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinDefinition, checkAnswer, loadInstrument, type CompiledInstrument } from '../../src/core/definition/index.js';
import { importBundle, parseBundle, type Bundle } from '../../src/core/exchange/bundle.js';
import { answerMapFromRecords, firstUnanswered, planInterview } from '../../src/core/flow/plan.js';
import { groupReport } from '../../src/core/scoring/group.js';
import { defaultNow, MAX_SIMULATED_CLIENTS, mulberry32, simulateBundle } from '../../src/core/simulation/simulate.js';
import { nowWithOffset } from '../../src/core/storage/audit-chain.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { AnswerRecord } from '../../src/core/storage/types.js';

let asi: CompiledInstrument;
let demo: CompiledInstrument;
/** 120 ASI clients, intake and follow-up: big enough for shares and means, small enough to build in a few seconds. */
let bundle: Bundle;
const byInterview = new Map<string, AnswerRecord[]>();

beforeAll(async () => {
  asi = loadInstrument(await builtinDefinition('asi'));
  demo = loadInstrument(await builtinDefinition('demo'));
  bundle = await simulateBundle({ instrument: asi, clients: 120, rounds: ['grund', 'uppfoljning'], seed: 7 });
  for (const a of bundle.answers) byInterview.set(a.interviewId, [...(byInterview.get(a.interviewId) ?? []), a]);
}, 60_000);

const value = (interviewId: string, itemId: string) => byInterview.get(interviewId)?.find((a) => a.itemId === itemId)?.value;
const num = (interviewId: string, itemId: string) => {
  const v = value(interviewId, itemId);
  return typeof v === 'number' ? v : 0;
};

describe('mulberry32', () => {
  it('matches the reference implementation (bryc), in [0, 1)', () => {
    // Tommy Ettinger's mulberry32 as commonly published in JavaScript.
    function reference(a: number) {
      return () => {
        let t = (a += 0x6d2b79f5);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const ours = mulberry32(seed);
      const theirs = reference(seed);
      for (let i = 0; i < 1000; i++) {
        const x = ours();
        expect(x).toBe(theirs());
        expect(x >= 0 && x < 1).toBe(true);
      }
    }
  });
});

describe('simulateBundle: reproducibility', () => {
  it('gives the same bundle for the same seed, and another for another seed', async () => {
    const options = { instrument: asi, clients: 4, rounds: ['grund', 'uppfoljning'], seed: 'unit-a' };
    const a = await simulateBundle(options);
    const b = await simulateBundle(options);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = await simulateBundle({ ...options, seed: 'unit-b' });
    expect(JSON.stringify(c.answers)).not.toBe(JSON.stringify(a.answers));
  }, 30_000);

  it('exports at a fixed time derived from the seed unless `now` is given', async () => {
    const a = await simulateBundle({ instrument: demo, clients: 2, rounds: ['intake'], seed: 3 });
    expect(a.exportedAt).toBe(nowWithOffset(defaultNow(3)));
    const now = new Date(2030, 5, 15, 12, 0, 0);
    const b = await simulateBundle({ instrument: demo, clients: 2, rounds: ['intake'], seed: 3, now });
    expect(b.exportedAt).toBe(nowWithOffset(now));
    for (const i of b.interviews) expect(Date.parse(i.startedAt)).toBeLessThan(now.getTime());
  });

  it('simulates a client the same whatever the number of clients', async () => {
    const few = await simulateBundle({ instrument: demo, clients: 3, rounds: ['intake', 'follow-up'], seed: 11 });
    const many = await simulateBundle({ instrument: demo, clients: 8, rounds: ['intake', 'follow-up'], seed: 11 });
    const client = (b: Bundle, code: string) => {
      const c = b.clients.find((x) => x.code === code)!;
      const ids = new Set(b.interviews.filter((i) => i.clientId === c.id).map((i) => i.id));
      return JSON.stringify([c, b.interviews.filter((i) => ids.has(i.id)), b.answers.filter((a) => ids.has(a.interviewId))]);
    };
    for (const code of ['SIM-0001', 'SIM-0002', 'SIM-0003']) expect(client(many, code)).toBe(client(few, code));
  });

  it('refuses unknown rounds (naming them) and out-of-range client counts', async () => {
    await expect(simulateBundle({ instrument: asi, clients: 1, rounds: ['grund', 'nope'], seed: 1 })).rejects.toThrow(
      /Unknown round "nope" \(rounds of asi: grund, lite, uppfoljning\)/,
    );
    await expect(simulateBundle({ instrument: asi, clients: MAX_SIMULATED_CLIENTS + 1, rounds: ['grund'], seed: 1 })).rejects.toThrow(RangeError);
    await expect(simulateBundle({ instrument: asi, clients: 1.5, rounds: ['grund'], seed: 1 })).rejects.toThrow(RangeError);
  });
});

describe('simulateBundle: a valid bundle', () => {
  it('passes parseBundle and imports into a memory store with intact audit chains', async () => {
    // A smaller bundle than the shared one (checking chains hashes every event), with ASI Lite and two follow-ups.
    const small = await simulateBundle({ instrument: asi, clients: 12, rounds: ['lite', 'uppfoljning', 'uppfoljning'], seed: 'import' });
    const parsed = await parseBundle(JSON.stringify(small));
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    const store = createMemoryStore();
    const summary = await importBundle(store, small);
    expect(summary).toEqual({
      clients: 12,
      interviews: 36,
      answers: small.answers.length,
      audit: small.audit.length,
      scores: small.scores.length,
    });
    for (const interview of small.interviews) expect(await store.verifyAuditLog(interview.id)).toEqual({ ok: true });
    // The shared bundle too, without re-hashing: schema, references and answers (chains are checked above).
    const shallow = await parseBundle(JSON.stringify({ ...bundle, audit: [] }));
    expect(shallow.ok ? [] : shallow.problems).toEqual([]);
  }, 30_000);

  it('has pseudonymous clients with plausible sex and birth year, and one interviewer per client', () => {
    expect(bundle.clients.map((c) => c.code).sort()).toEqual(Array.from({ length: 120 }, (_, i) => `SIM-${String(i + 1).padStart(4, '0')}`));
    for (const c of bundle.clients) {
      expect(c.birthYear).toBeGreaterThanOrEqual(1950);
      expect(c.birthYear).toBeLessThanOrEqual(2005);
    }
    const males = bundle.clients.filter((c) => c.sex === 'male').length;
    expect(males / 120).toBeGreaterThan(0.5);
    expect(males / 120).toBeLessThan(0.85);
    for (const i of bundle.interviews) expect(i.interviewer).toMatch(/^INT-\d\d$/);
  });

  it('takes the follow-up about 6 months (±2) after the intake, on a weekday', () => {
    for (const client of bundle.clients) {
      const [first, second] = bundle.interviews.filter((i) => i.clientId === client.id);
      expect([first!.round, second!.round]).toEqual(['grund', 'uppfoljning']);
      const days = (Date.parse(second!.startedAt) - Date.parse(first!.startedAt)) / 86_400_000;
      expect(days).toBeGreaterThan(115);
      expect(days).toBeLessThan(250);
    }
    for (const i of bundle.interviews) expect([1, 2, 3, 4, 5]).toContain(new Date(i.startedAt.slice(0, 10) + 'T12:00:00Z').getUTCDay());
  });
});

describe('simulateBundle: answers follow the instrument', () => {
  it('gives only values checkAnswer accepts', () => {
    for (const a of bundle.answers) expect(checkAnswer(asi, asi.item(a.itemId)!, a.value), `${a.itemId} = ${a.value}`).toBeNull();
  });

  it('answers every asked item of a completed round, and stores exactly the auto-fills the plan makes', () => {
    for (const interview of bundle.interviews) {
      const answers = answerMapFromRecords(byInterview.get(interview.id) ?? []);
      const plan = planInterview(asi, interview.round, answers);
      if (interview.status === 'completed') expect(firstUnanswered(plan), interview.id).toBeNull();
      for (const step of plan.steps) {
        const stored = answers[step.item.id];
        if (step.state === 'autofill') expect(stored).toEqual({ value: step.value, source: 'autofill' });
        else expect(stored?.source, step.item.id).not.toBe('autofill');
        if (step.state === 'skip') expect(stored, step.item.id).toBeUndefined();
      }
    }
  });

  it('auto-fills E5 = 0 whenever E4 = 0 in every ASI grund', () => {
    let e4no = 0;
    for (const interview of bundle.interviews.filter((i) => i.round === 'grund')) {
      if (value(interview.id, 'E4') !== 0) continue;
      e4no++;
      expect(byInterview.get(interview.id)!.find((a) => a.itemId === 'E5')).toMatchObject({ value: 0, source: 'autofill' });
    }
    expect(e4no).toBeGreaterThan(10);
  });

  it('sets the date item to the round date and keeps related answers consistent', () => {
    for (const interview of bundle.interviews) {
      const g5 = value(interview.id, 'G5');
      if (g5 !== undefined) expect(g5).toBe(interview.startedAt.slice(0, 10));
      // Days drunk to intoxication are some of the days drunk; detox-only treatments some of the treatments.
      expect(num(interview.id, 'D2_30')).toBeLessThanOrEqual(num(interview.id, 'D1_30'));
      expect(num(interview.id, 'D21')).toBeLessThanOrEqual(num(interview.id, 'D19'));
      expect(num(interview.id, 'L22')).toBeLessThanOrEqual(Math.max(num(interview.id, 'L21'), value(interview.id, 'L21') === 'X' ? Infinity : 0));
    }
  });

  it('gives D14 the substance with the most days in the past 30, or the client’s usual one when none was used', () => {
    let drugCodes = 0;
    for (const interview of bundle.interviews) {
      const d14 = value(interview.id, 'D14');
      if (typeof d14 !== 'number') continue;
      const drugDays = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((k) => num(interview.id, `D${k}_30`));
      const most = Math.max(...drugDays);
      if (d14 >= 3 && d14 <= 12) {
        drugCodes++;
        expect(most === 0 || drugDays[d14 - 3] === most, `${interview.id}: D14 ${d14}, days ${drugDays}`).toBe(true);
      }
      if (d14 === 1 || d14 === 2) expect(drugDays.filter((d) => d >= 4).length, interview.id).toBe(0);
    }
    expect(drugCodes).toBeGreaterThan(20);
  });

  it('answers about 2% X or N at random, never in the date item or G12', () => {
    const entered = bundle.answers.filter((a) => a.source === 'entered');
    const special = entered.filter((a) => a.value === 'X' || a.value === 'N');
    expect(special.length / entered.length).toBeGreaterThan(0.01);
    expect(special.length / entered.length).toBeLessThan(0.08);
    expect(bundle.answers.filter((a) => a.itemId === 'G5' && typeof a.value !== 'string').length).toBe(0);
    expect(bundle.answers.filter((a) => a.itemId === 'G12').every((a) => a.value === 'N')).toBe(true);
  });
});

describe('simulateBundle: rounds and scores', () => {
  it('leaves about 5% of rounds unfinished, stopped midway, without scores', () => {
    const unfinished = bundle.interviews.filter((i) => i.status !== 'completed');
    expect(unfinished.length / bundle.interviews.length).toBeGreaterThan(0.015);
    expect(unfinished.length / bundle.interviews.length).toBeLessThan(0.1);
    const scored = new Set(bundle.scores.map((s) => s.interviewId));
    for (const i of unfinished) {
      expect(['in-progress', 'paused']).toContain(i.status);
      expect(i.completedAt).toBeUndefined();
      expect(scored.has(i.id)).toBe(false);
      const answered = byInterview.get(i.id)?.length ?? 0;
      expect(answered).toBeGreaterThan(0);
      expect(firstUnanswered(planInterview(asi, i.round, answerMapFromRecords(byInterview.get(i.id)!)))).not.toBeNull();
      expect(i.position).toBeDefined();
    }
    for (const i of bundle.interviews.filter((x) => x.status === 'completed')) {
      expect(i.completedAt).toBeDefined();
      expect(bundle.scores.filter((s) => s.interviewId === i.id).map((s) => s.scoreId)).toEqual(['ALC', 'DRUG', 'EMP', 'FAM', 'LEGAL', 'MED', 'PSY']);
    }
  });

  it('has plausible composites that are mostly better at follow-up, with some clients worse', () => {
    const report = groupReport(bundle, asi);
    const scores = Object.values(report.scores);
    for (const s of scores) {
      expect(s.n).toBeGreaterThan(80);
      expect(s.meanFirst!).toBeGreaterThanOrEqual(0);
      expect(s.meanFirst!).toBeLessThan(1);
    }
    expect(scores.filter((s) => s.meanLast! < s.meanFirst!).length).toBeGreaterThanOrEqual(5);
    expect(scores.reduce((n, s) => n + (s.worsened ?? 0), 0)).toBeGreaterThan(0);
    // Employment is the worst area in treatment populations, drugs the lowest composite on average.
    expect(report.scores.EMP!.meanFirst!).toBeGreaterThan(report.scores.DRUG!.meanFirst!);
  });

  it('works for any instrument through the generic rules (the demo)', async () => {
    const b = await simulateBundle({ instrument: demo, clients: 20, rounds: ['intake', 'follow-up'], seed: 5 });
    const parsed = await parseBundle(JSON.stringify(b));
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    for (const a of b.answers) expect(checkAnswer(demo, demo.item(a.itemId)!, a.value)).toBeNull();
    const gDate = b.answers.filter((a) => a.itemId === 'G_DATE');
    for (const a of gDate) expect(a.value).toBe(b.interviews.find((i) => i.id === a.interviewId)!.startedAt.slice(0, 10));
  });
});
