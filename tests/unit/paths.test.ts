// For every built-in instrument and round: every item is reachable, and every score input is answered on every path.
import { describe, expect, it } from 'vitest';
import { BUILTIN_INSTRUMENTS, builtinDefinition, checkAnswer, loadInstrument, type CompiledInstrument, type CompiledItem } from '../../src/core/definition/index.js';
import type { AnswerValue } from '../../src/core/definition/values.js';
import { planInterview, type StoredAnswer } from '../../src/core/flow/plan.js';
// Seeded, so a failing path can be replayed from its seed.
import { mulberry32 } from '../../src/core/simulation/random.js';

/** Candidate answers per kind, biased towards the values skip rules test (0 and yes/no) and the special codes. */
function candidates(item: CompiledItem): AnswerValue[] {
  const byKind: Record<string, AnswerValue[]> = {
    days: [0, 0, 3, 30],
    count: [0, 0, 1, 5],
    money: [0, 0, 500, 25_000],
    duration: [0, 30],
    date: ['2026-03-14'],
    time: ['10:00'],
    text: ['text'],
  };
  const coded = item.options?.map((o) => o.value) ?? [];
  return [...(byKind[item.def.kind] ?? coded), ...item.special];
}

/** Answers a round item by item, as the interview would, until nothing asked is left; returns the final plan. */
function walk(instrument: CompiledInstrument, round: string, seed: number) {
  const next = mulberry32(seed);
  const answers: Record<string, StoredAnswer> = {};
  const asked = new Set<string>();
  for (;;) {
    const plan = planInterview(instrument, round, answers);
    const item = plan.asked.find((i) => answers[i.id] === undefined);
    if (!item) return { plan, asked };
    const options = candidates(item).filter((v) => checkAnswer(instrument, item, v) === null);
    // Special codes are rarer in practice than real answers: pick one 1 time in 8.
    const real = options.filter((v) => v !== 'X' && v !== 'N');
    const pool = real.length > 0 && next() > 0.125 ? real : options;
    answers[item.id] = { value: pool[Math.floor(next() * pool.length)]!, source: 'entered' };
    asked.add(item.id);
  }
}

const instruments = await Promise.all(BUILTIN_INSTRUMENTS.map(async (id) => loadInstrument(await builtinDefinition(id))));

describe.each(instruments.map((i) => [i.id, i] as const))('paths through %s', (_id, instrument) => {
  describe.each(instrument.def.rounds.map((r) => [r.id] as const))('round %s', (round) => {
    const reported = instrument.scores.filter((s) => s.rounds.has(round));

    it('asks or auto-fills every score input on every path: no score input can be skipped without a value', () => {
      // An item without `when` is, in every plan, either auto-filled (with a value) or asked; completion requires
      // every asked item to be answered. So this static property proves it for all paths, not only sampled ones.
      for (const score of reported)
        for (const id of score.inputs) {
          const item = instrument.item(id)!;
          expect(item.rounds.has(round), `${score.id} input ${id} not in round ${round}`).toBe(true);
          expect(item.when, `${score.id} input ${id} has a skip condition`).toBeUndefined();
        }
    });

    it('reaches every item of the round on some path, and every path ends with every score input answered', () => {
      const reached = new Set<string>();
      const paths = 300;
      for (let seed = 1; seed <= paths; seed++) {
        const { plan, asked } = walk(instrument, round, seed);
        for (const id of asked) reached.add(id);
        for (const step of plan.steps) if (step.state === 'autofill') reached.add(step.item.id);
        for (const score of reported)
          for (const id of score.inputs) expect(plan.lookup(id), `seed ${seed}: ${score.id} input ${id} blank at the end`).not.toBeUndefined();
      }
      const unreached = instrument.itemsInRound(round).filter((i) => !reached.has(i.id)).map((i) => i.id);
      expect(unreached).toEqual([]);
    });
  });
});
