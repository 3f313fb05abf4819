// Unit tests for the interview flow: the plan (skip, auto-fill, rounds), the machine's events, generated paths through every branch, and persistence/resume with the memory store.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor, type SnapshotFrom } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import demo from '../../instruments/demo/demo.json' with { type: 'json' };
import { builtinDefinition, loadInstrument, type AnswerValue, type CompiledInstrument } from '../../src/core/definition/index.js';
import {
  answerMapFromRecords,
  firstUnanswered,
  interviewMachine,
  MACHINE_VERSION,
  nextAsked,
  openInterview,
  planInterview,
  previousAsked,
  reconcileAutofill,
  restoreSnapshot,
  startInterview,
  trimSnapshot,
  unansweredItems,
  type AnswerMap,
  type InterviewEvent,
  type InterviewInput,
  type InterviewSession,
  type PersistAnswersInput,
  type PersistStatusInput,
  type StoredSnapshot,
} from '../../src/core/flow/index.js';
import { computeScores } from '../../src/core/scoring/composite.js';
import { createMemoryStore, memoryStoreRecords } from '../../src/core/storage/memory-store.js';
import { StorageError, type ClientRecord, type InterviewStore } from '../../src/core/storage/types.js';

const instrument = loadInstrument(await builtinDefinition('demo'));

type Snapshot = SnapshotFrom<typeof interviewMachine>;

/** A valid answer for every demo item; the values the score checks below are computed from. */
const DEFAULTS: Record<string, AnswerValue> = {
  G_DATE: '2026-03-14',
  G_START: '09:30',
  G_HOUSING: 1,
  G_HOUSING_TIME: 30,
  H_HOSP: 2,
  H_CHRONIC: 1,
  H_CHRONIC_SPEC: 'Astma',
  H_DAYS: 12,
  H_TROUBLED: 3,
  H_IMPORTANT: 2,
  H_SEVERITY: 5,
  W_LICENCE: 1,
  W_CAR: 1,
  W_DAYS: 20,
  W_INCOME: 12500,
  W_SUPPORT: 1,
  W_MAJORITY: 0,
  A_DAYS: 5,
  A_YEARS: 10,
  A_SPENT: 800,
  A_TROUBLED: 1,
  A_SEVERITY: 3,
};

const INTAKE = Object.keys(DEFAULTS);
const FOLLOW_UP = INTAKE.filter((id) => id !== 'G_START' && id !== 'A_YEARS');

/** The answers that drive a skip or an auto-fill, each with the value that switches it on and one that does not. */
const SKIPS = [
  { driver: 'G_HOUSING', on: 4, off: 1, target: 'G_HOUSING_TIME' },
  { driver: 'H_CHRONIC', on: 0, off: 1, target: 'H_CHRONIC_SPEC' },
  { driver: 'A_DAYS', on: 0, off: 5, target: 'A_SPENT' },
] as const;
const AUTOFILLS = [
  { driver: 'W_LICENCE', on: 0, off: 1, target: 'W_CAR', value: 0 },
  { driver: 'W_SUPPORT', on: 0, off: 1, target: 'W_MAJORITY', value: 'N' },
] as const;
const BRANCHING = [...SKIPS, ...AUTOFILLS];

const entered = (values: Record<string, AnswerValue>): AnswerMap =>
  Object.fromEntries(Object.entries(values).map(([id, value]) => [id, { value, source: 'entered' as const }]));

// ---------------------------------------------------------------------------------------------------------------
// A machine whose effects are recorded (and can fail or be held) instead of touching a store.

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface Harness {
  /** Every persistAnswers call, including failed ones. */
  attempts: PersistAnswersInput[];
  /** persistAnswers calls that succeeded. */
  writes: PersistAnswersInput[];
  statuses: PersistStatusInput[];
  /** Errors the next persistAnswers calls throw, in order. */
  failures: Error[];
  /** When set, persistAnswers waits for it. */
  hold: Deferred | null;
  actor: ReturnType<typeof createActor<typeof interviewMachine>>;
}

function harness(input: Partial<InterviewInput> = {}, inst: CompiledInstrument = instrument): Harness {
  const h = { attempts: [], writes: [], statuses: [], failures: [], hold: null } as unknown as Harness;
  const machine = interviewMachine.provide({
    actors: {
      persistAnswers: fromPromise<void, PersistAnswersInput>(async ({ input: i }) => {
        h.attempts.push(i);
        const failure = h.failures.shift();
        if (failure) throw failure;
        if (h.hold) await h.hold.promise;
        h.writes.push(i);
      }),
      persistStatus: fromPromise<void, PersistStatusInput>(async ({ input: i }) => {
        h.statuses.push(i);
      }),
    },
  });
  h.actor = createActor(machine, { input: { instrument: inst, round: 'intake', interviewId: 'i1', actor: 'anna', ...input } });
  h.actor.start();
  return h;
}

const ctx = (h: Harness) => h.actor.getSnapshot().context;
const settledStates = (s: Snapshot) =>
  s.matches({ active: 'answering' }) ||
  s.matches({ active: 'reviewing' }) ||
  s.matches({ active: 'saveFailed' }) ||
  s.matches('paused') ||
  s.matches('completed') ||
  s.matches('terminated');

async function send(h: Harness, event: InterviewEvent): Promise<Snapshot> {
  h.actor.send(event);
  return waitFor(h.actor, settledStates, { timeout: 2000 });
}

/** Answers the current item with `values[id]` (or its default) until the completion step; returns the items asked. */
async function answerToEnd(h: Harness, values: Record<string, AnswerValue> = {}): Promise<string[]> {
  const asked: string[] = [];
  for (let position = ctx(h).position; position !== null; position = ctx(h).position) {
    asked.push(position);
    const value = position in values ? values[position]! : DEFAULTS[position]!;
    const snapshot = await send(h, { type: 'answer.set', value });
    if (!snapshot.matches({ active: 'answering' }) || snapshot.context.rejection) {
      throw new Error(`answer ${JSON.stringify(value)} to ${position} was not saved`);
    }
  }
  return asked;
}

// Hand-computed scores of the demo's two formulas.
const health = (a: Record<string, number>) => a.H_DAYS! / 90 + a.H_TROUBLED! / 12 + a.H_IMPORTANT! / 12;
const work = (a: Record<string, number>) =>
  1 - (a.W_LICENCE! / 4 + a.W_CAR! / 4 + a.W_DAYS! / 120 + (a.W_INCOME! > 0 ? Math.log(a.W_INCOME!) : 0) / 36);

// ---------------------------------------------------------------------------------------------------------------

describe('the plan', () => {
  const stateOf = (answers: AnswerMap, id: string, round = 'intake') => planInterview(instrument, round, answers).step(id)?.state;

  it('with no answers asks every item of the round, unknown conditions included', () => {
    const plan = planInterview(instrument, 'intake', {});
    expect(plan.asked.map((i) => i.id)).toEqual(INTAKE);
    expect(plan.answeredCount).toBe(0);
    expect(plan.steps.every((s) => s.state === 'ask' && s.value === undefined)).toBe(true);
  });

  it.each(SKIPS)('$driver = $on skips $target; $driver = $off asks it', ({ driver, on, off, target }) => {
    expect(stateOf(entered({ [driver]: on }), target)).toBe('skip');
    expect(stateOf(entered({ [driver]: off }), target)).toBe('ask');
    const plan = planInterview(instrument, 'intake', entered({ [driver]: on, [target]: DEFAULTS[target]! }));
    // An answer stored for an item that is now skipped does not count.
    expect(plan.lookup(target)).toBeUndefined();
    expect(plan.asked.map((i) => i.id)).not.toContain(target);
  });

  it.each(AUTOFILLS)('$driver = $on auto-fills $target with $value and does not ask it', ({ driver, on, off, target, value }) => {
    const plan = planInterview(instrument, 'intake', entered({ [driver]: on }));
    expect(plan.step(target)).toMatchObject({ state: 'autofill', value });
    expect(plan.lookup(target)).toBe(value);
    expect(plan.asked.map((i) => i.id)).not.toContain(target);
    expect(stateOf(entered({ [driver]: off }), target)).toBe('ask');
  });

  it('a condition that cannot be decided (a blank, or a code compared by size) asks the item', () => {
    expect(stateOf({}, 'G_HOUSING_TIME')).toBe('ask');
    expect(stateOf({}, 'A_SPENT')).toBe('ask');
    expect(stateOf(entered({ A_DAYS: 'X' }), 'A_SPENT')).toBe('ask');
    expect(stateOf(entered({ A_DAYS: 'N' }), 'A_SPENT')).toBe('ask');
  });

  it('a code is simply unequal to a number, so equality conditions are decided', () => {
    // H_CHRONIC = 1 is false for X: the follow-up question is skipped.
    expect(stateOf(entered({ H_CHRONIC: 'X' }), 'H_CHRONIC_SPEC')).toBe('skip');
    // G_HOUSING != 4 is true for X: the duration is asked.
    expect(stateOf(entered({ G_HOUSING: 'X' }), 'G_HOUSING_TIME')).toBe('ask');
    // W_LICENCE = 0 is false for X: no auto-fill, W_CAR is asked.
    expect(stateOf(entered({ W_LICENCE: 'X' }), 'W_CAR')).toBe('ask');
  });

  it('round membership: G_START and A_YEARS only at intake', () => {
    expect(planInterview(instrument, 'follow-up', {}).asked.map((i) => i.id)).toEqual(FOLLOW_UP);
    expect(stateOf({}, 'G_START', 'follow-up')).toBeUndefined();
    expect(stateOf({}, 'A_YEARS', 'follow-up')).toBeUndefined();
    expect(stateOf({}, 'G_START', 'intake')).toBe('ask');
  });

  it('a stale auto-filled value does not count once its rule no longer holds', () => {
    const answers: AnswerMap = { W_LICENCE: { value: 1, source: 'entered' }, W_CAR: { value: 0, source: 'autofill' } };
    const plan = planInterview(instrument, 'intake', answers);
    expect(plan.step('W_CAR')).toMatchObject({ state: 'ask', value: undefined });
    expect(reconcileAutofill(plan, answers)).toEqual([{ itemId: 'W_CAR', value: null, source: 'autofill' }]);
  });

  it('reconcileAutofill writes missing auto-fills and nothing when the store agrees', () => {
    const answers = entered({ W_LICENCE: 0, W_SUPPORT: 0 });
    const plan = planInterview(instrument, 'intake', answers);
    expect(reconcileAutofill(plan, answers)).toEqual([
      { itemId: 'W_CAR', value: 0, source: 'autofill' },
      { itemId: 'W_MAJORITY', value: 'N', source: 'autofill' },
    ]);
    const agreed: AnswerMap = { ...answers, W_CAR: { value: 0, source: 'autofill' }, W_MAJORITY: { value: 'N', source: 'autofill' } };
    expect(reconcileAutofill(planInterview(instrument, 'intake', agreed), agreed)).toEqual([]);
  });

  it('nextAsked, previousAsked, firstUnanswered and unansweredItems walk the asked items', () => {
    const answers = entered({ G_DATE: '2026-03-14', G_START: '09:30', G_HOUSING: 4, H_HOSP: 0 });
    const plan = planInterview(instrument, 'intake', answers);
    expect(nextAsked(plan, 'G_HOUSING')).toBe('H_HOSP');
    // From an item that has itself become skipped, the walk goes on from where it stands.
    expect(nextAsked(plan, 'G_HOUSING_TIME')).toBe('H_HOSP');
    expect(previousAsked(plan, 'H_HOSP')).toBe('G_HOUSING');
    expect(previousAsked(plan, 'G_HOUSING_TIME')).toBe('G_HOUSING');
    expect(previousAsked(plan, 'G_DATE')).toBeNull();
    expect(previousAsked(plan, null)).toBe('A_SEVERITY');
    expect(nextAsked(plan, 'A_SEVERITY')).toBeNull();
    expect(nextAsked(plan, null)).toBeNull();
    expect(firstUnanswered(plan)).toBe('H_CHRONIC');
    expect(unansweredItems(plan)).toEqual(INTAKE.filter((id) => !['G_DATE', 'G_START', 'G_HOUSING', 'G_HOUSING_TIME', 'H_HOSP'].includes(id)));
    expect(plan.answeredCount).toBe(4);
    expect(firstUnanswered(planInterview(instrument, 'intake', entered(DEFAULTS)))).toBeNull();
  });

  it('answerMapFromRecords keeps value and source', () => {
    const map = answerMapFromRecords([
      { interviewId: 'i', itemId: 'W_LICENCE', value: 0, source: 'entered', updatedAt: 'x' },
      { interviewId: 'i', itemId: 'W_CAR', value: 0, source: 'autofill', updatedAt: 'x' },
    ]);
    expect(map).toEqual({ W_LICENCE: { value: 0, source: 'entered' }, W_CAR: { value: 0, source: 'autofill' } });
  });
});

describe('the interview machine', () => {
  it('starts at the first item, in progress', () => {
    const h = harness();
    expect(h.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
    expect(ctx(h)).toMatchObject({ position: 'G_DATE', status: 'in-progress', rejection: null, saveError: null, pending: null });
  });

  it('answer.set saves the answer, then advances', async () => {
    const h = harness();
    h.actor.send({ type: 'answer.set', value: '2026-03-14' });
    // Nothing moves until the write has committed.
    expect(h.actor.getSnapshot().matches({ active: 'saving' })).toBe(true);
    expect(ctx(h).position).toBe('G_DATE');
    expect(ctx(h).answers).toEqual({});
    await waitFor(h.actor, (s) => s.matches({ active: 'answering' }));
    expect(h.writes).toEqual([
      {
        interviewId: 'i1',
        actor: 'anna',
        changes: [{ itemId: 'G_DATE', value: '2026-03-14', source: 'entered' }],
        // The snapshot the machine reaches after the commit travels in the same transaction as the answer.
        interview: {
          position: 'G_START',
          snapshot: { machineVersion: 1, state: 'active.answering', position: 'G_START', reviewSection: null, status: 'in-progress', terminationReason: null, correctionReason: null },
        },
      },
    ]);
    expect(ctx(h).answers).toEqual({ G_DATE: { value: '2026-03-14', source: 'entered' } });
    expect(ctx(h).position).toBe('G_START');
    expect(ctx(h).plan.answeredCount).toBe(1);
  });

  it('a refused answer is not saved and says why', async () => {
    const h = harness({ answers: entered({ G_DATE: '2026-03-14' }) });
    expect(ctx(h).position).toBe('G_START');
    await send(h, { type: 'answer.set', value: 'N' });
    expect(ctx(h).rejection).toEqual({ itemId: 'G_START', message: { sv: 'Koden N är inte tillåten här', en: 'Code N is not allowed here' } });
    await send(h, { type: 'nav.goto', itemId: 'H_DAYS' });
    await send(h, { type: 'answer.set', value: 31 });
    expect(ctx(h).rejection).toEqual({ itemId: 'H_DAYS', message: { sv: 'Ange ett tal från 0 till 30', en: 'Enter a number from 0 to 30' } });
    await send(h, { type: 'answer.set', value: Number.NaN });
    expect(ctx(h).rejection).toEqual({ itemId: 'H_DAYS', message: { sv: 'Ogiltigt tal', en: 'Not a valid number' } });
    expect(h.attempts).toEqual([]);
    expect(ctx(h).position).toBe('H_DAYS');
    expect(ctx(h).answers).toEqual({ G_DATE: { value: '2026-03-14', source: 'entered' } });
    // The next accepted answer clears the rejection.
    await send(h, { type: 'answer.set', value: 30 });
    expect(ctx(h).rejection).toBeNull();
    expect(ctx(h).position).toBe('H_TROUBLED');
  });

  it('refuses an answer to an item that is not asked, or when there is no item', async () => {
    const h = harness({ answers: entered({ G_HOUSING: 4 }) });
    await send(h, { type: 'answer.set', itemId: 'G_HOUSING_TIME', value: 30 });
    expect(ctx(h).rejection).toEqual({ itemId: 'G_HOUSING_TIME', message: { sv: 'Frågan ställs inte i detta läge', en: 'This question is not asked now' } });
    await send(h, { type: 'answer.set', itemId: 'NOPE', value: 1 });
    expect(ctx(h).rejection).toEqual({ itemId: 'NOPE', message: { sv: 'Ingen fråga att besvara här', en: 'No question to answer here' } });
    await send(h, { type: 'nav.end' });
    await send(h, { type: 'answer.set', value: 1 });
    expect(ctx(h).rejection).toEqual({ itemId: '', message: { sv: 'Ingen fråga att besvara här', en: 'No question to answer here' } });
    expect(h.attempts).toEqual([]);
  });

  it('an error-level validation rule refuses the answer; a warning does not', async () => {
    const doc = structuredClone(demo) as any;
    doc.sections[1].items[4].validate[0].level = 'error';
    const strict = loadInstrument(doc);
    const h = harness({ answers: entered({ H_DAYS: 0 }), position: 'H_TROUBLED' }, strict);
    await send(h, { type: 'answer.set', value: 2 });
    expect(ctx(h).rejection).toEqual({
      itemId: 'H_TROUBLED',
      message: { sv: 'Inga dagar med besvär men en skattning över 0: stämmer det?', en: 'No days with problems but a rating above 0: is that right?' },
    });
    await send(h, { type: 'answer.set', value: 0 });
    expect(ctx(h).rejection).toBeNull();
    expect(ctx(h).answers.H_TROUBLED).toEqual({ value: 0, source: 'entered' });

    const lenient = harness({ answers: entered({ H_DAYS: 0 }), position: 'H_TROUBLED' });
    await send(lenient, { type: 'answer.set', value: 2 });
    expect(ctx(lenient).rejection).toBeNull();
    expect(ctx(lenient).answers.H_TROUBLED).toEqual({ value: 2, source: 'entered' });
  });

  it('answer.set with an itemId answers that item and moves on from it', async () => {
    const h = harness({ answers: entered({ G_DATE: '2026-03-14' }) });
    await send(h, { type: 'answer.set', itemId: 'H_DAYS', value: 4 });
    expect(ctx(h).answers.H_DAYS).toEqual({ value: 4, source: 'entered' });
    expect(ctx(h).position).toBe('H_TROUBLED');
  });

  it('skips items whose condition is false as the interview goes', async () => {
    const h = harness();
    const asked = await answerToEnd(h, { G_HOUSING: 4, H_CHRONIC: 0, A_DAYS: 0 });
    expect(asked).toEqual(INTAKE.filter((id) => !['G_HOUSING_TIME', 'H_CHRONIC_SPEC', 'A_SPENT'].includes(id)));
  });

  it('auto-fills in the same write as the answer that switches it on, and does not ask the item', async () => {
    const h = harness({ answers: entered({ G_DATE: '2026-03-14' }), position: 'W_LICENCE' });
    await send(h, { type: 'answer.set', value: 0 });
    expect(h.writes.at(-1)!.changes).toEqual([
      { itemId: 'W_LICENCE', value: 0, source: 'entered' },
      { itemId: 'W_CAR', value: 0, source: 'autofill' },
    ]);
    expect(ctx(h).position).toBe('W_DAYS');
    expect(ctx(h).answers.W_CAR).toEqual({ value: 0, source: 'autofill' });
    await send(h, { type: 'nav.goto', itemId: 'W_SUPPORT' });
    await send(h, { type: 'answer.set', value: 0 });
    expect(h.writes.at(-1)!.changes).toEqual([
      { itemId: 'W_SUPPORT', value: 0, source: 'entered' },
      { itemId: 'W_MAJORITY', value: 'N', source: 'autofill' },
    ]);
    expect(ctx(h).position).toBe('A_DAYS');
    expect(ctx(h).answers.W_MAJORITY).toEqual({ value: 'N', source: 'autofill' });
    // An auto-filled item cannot be navigated to.
    await send(h, { type: 'nav.goto', itemId: 'W_CAR' });
    expect(ctx(h).position).toBe('A_DAYS');
  });

  it('re-evaluates downstream items when an earlier answer changes', async () => {
    const h = harness();
    await answerToEnd(h, { W_LICENCE: 0 });
    expect(ctx(h).answers.W_CAR).toEqual({ value: 0, source: 'autofill' });
    await send(h, { type: 'nav.goto', itemId: 'W_LICENCE' });
    await send(h, { type: 'answer.set', value: 1 });
    expect(h.writes.at(-1)!.changes).toEqual([
      { itemId: 'W_LICENCE', value: 1, source: 'entered' },
      { itemId: 'W_CAR', value: null, source: 'autofill' },
    ]);
    expect(ctx(h).answers.W_CAR).toBeUndefined();
    expect(ctx(h).plan.step('W_CAR')).toMatchObject({ state: 'ask', value: undefined });
    expect(ctx(h).position).toBe('W_CAR');
    expect(unansweredItems(ctx(h).plan)).toEqual(['W_CAR']);

    // Changing G_HOUSING to 4 after its duration was given skips (and blanks) the duration.
    await send(h, { type: 'nav.goto', itemId: 'G_HOUSING' });
    await send(h, { type: 'answer.set', value: 4 });
    expect(ctx(h).position).toBe('H_HOSP');
    expect(ctx(h).plan.step('G_HOUSING_TIME')).toMatchObject({ state: 'skip', value: undefined });
    expect(ctx(h).plan.lookup('G_HOUSING_TIME')).toBeUndefined();
  });

  it('nav.next, nav.back, nav.goto and nav.end move over asked items only', async () => {
    const h = harness({ answers: entered({ G_HOUSING: 4 }) });
    await send(h, { type: 'nav.back' });
    expect(ctx(h).position).toBe('G_DATE');
    await send(h, { type: 'nav.next' });
    expect(ctx(h).position).toBe('G_START');
    await send(h, { type: 'nav.next' });
    await send(h, { type: 'nav.next' });
    expect(ctx(h).position).toBe('H_HOSP');
    await send(h, { type: 'nav.back' });
    expect(ctx(h).position).toBe('G_HOUSING');
    // A skipped item and an unknown id are not places to go.
    await send(h, { type: 'nav.goto', itemId: 'G_HOUSING_TIME' });
    expect(ctx(h).position).toBe('G_HOUSING');
    await send(h, { type: 'nav.goto', itemId: 'NOPE' });
    expect(ctx(h).position).toBe('G_HOUSING');
    await send(h, { type: 'nav.goto', itemId: 'A_TROUBLED' });
    expect(ctx(h).position).toBe('A_TROUBLED');
    await send(h, { type: 'nav.end' });
    expect(ctx(h).position).toBeNull();
    await send(h, { type: 'nav.next' });
    expect(ctx(h).position).toBeNull();
    await send(h, { type: 'nav.back' });
    expect(ctx(h).position).toBe('A_SEVERITY');
    expect(h.attempts).toEqual([]);
  });

  it('navigation clears a rejection', async () => {
    const h = harness();
    await send(h, { type: 'answer.set', value: 'not a date' });
    expect(ctx(h).rejection?.itemId).toBe('G_DATE');
    await send(h, { type: 'nav.next' });
    expect(ctx(h).rejection).toBeNull();
  });

  it('review.open and review.close; goto from the review returns to answering', async () => {
    const h = harness();
    await send(h, { type: 'review.open', sectionId: 'health' });
    expect(h.actor.getSnapshot().matches({ active: 'reviewing' })).toBe(true);
    expect(ctx(h).reviewSection).toBe('health');
    await send(h, { type: 'review.open', sectionId: 'work' });
    expect(ctx(h).reviewSection).toBe('work');
    // Answers and navigation other than goto wait for the review to close.
    await send(h, { type: 'answer.set', value: '2026-03-14' });
    await send(h, { type: 'nav.next' });
    expect(h.attempts).toEqual([]);
    expect(ctx(h).position).toBe('G_DATE');
    await send(h, { type: 'review.close' });
    expect(h.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
    expect(ctx(h).reviewSection).toBeNull();
    expect(ctx(h).position).toBe('G_DATE');

    await send(h, { type: 'review.open', sectionId: 'work' });
    await send(h, { type: 'nav.goto', itemId: 'W_DAYS' });
    expect(h.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
    expect(ctx(h)).toMatchObject({ position: 'W_DAYS', reviewSection: null });
  });

  it('complete is refused while items are blank, listing them', async () => {
    const answers = { ...DEFAULTS };
    delete answers.H_DAYS;
    delete answers.A_TROUBLED;
    const h2 = harness({ answers: entered(answers) });
    expect(ctx(h2).position).toBe('H_DAYS');
    await send(h2, { type: 'interview.complete' });
    expect(h2.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
    expect(ctx(h2).unanswered).toEqual(['H_DAYS', 'A_TROUBLED']);
    expect(h2.statuses).toEqual([]);
  });

  it('complete works once everything is answered, with the plan the scores come from', async () => {
    const h = harness();
    await answerToEnd(h);
    expect(ctx(h).position).toBeNull();
    await send(h, { type: 'interview.complete' });
    expect(h.actor.getSnapshot().matches('completed')).toBe(true);
    expect(ctx(h).status).toBe('completed');
    expect(h.statuses).toHaveLength(1);
    const status = h.statuses[0]!;
    expect(status).toMatchObject({ interviewId: 'i1', status: 'completed', actor: 'anna', position: null });
    const scores = computeScores(instrument, 'intake', status.plan!.lookup);
    expect(scores.map((s) => [s.scoreId, s.value])).toEqual([
      ['HEALTH', 12 / 90 + 3 / 12 + 2 / 12],
      ['WORK', 1 - (1 / 4 + 1 / 4 + 20 / 120 + Math.log(12500) / 36)],
    ]);
  });

  it('pause and resume keep the position', async () => {
    const h = harness({ answers: entered({ G_DATE: '2026-03-14' }) });
    await send(h, { type: 'interview.pause' });
    expect(h.actor.getSnapshot().matches('paused')).toBe(true);
    expect(ctx(h).status).toBe('paused');
    // Answers wait until the interview is resumed.
    await send(h, { type: 'answer.set', value: '09:30' });
    expect(h.attempts).toEqual([]);
    await send(h, { type: 'interview.resume' });
    expect(h.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
    expect(ctx(h)).toMatchObject({ status: 'in-progress', position: 'G_START' });
    expect(h.statuses.map((s) => [s.status, s.position])).toEqual([
      ['paused', 'G_START'],
      ['in-progress', 'G_START'],
    ]);
  });

  it('terminate records the reason', async () => {
    const h = harness({ answers: entered({ G_DATE: '2026-03-14' }) });
    await send(h, { type: 'interview.terminate', reason: 'Klienten avbröt' });
    expect(h.actor.getSnapshot().matches('terminated')).toBe(true);
    expect(ctx(h)).toMatchObject({ status: 'terminated', terminationReason: 'Klienten avbröt' });
    expect(h.statuses).toEqual([{ interviewId: 'i1', status: 'terminated', actor: 'anna', position: 'G_START', reason: 'Klienten avbröt' }]);
  });

  it('reopening a completed interview carries the reason on every later write', async () => {
    const h = harness();
    await answerToEnd(h);
    await send(h, { type: 'interview.complete' });
    await send(h, { type: 'interview.reopen', reason: 'Fel datum' });
    expect(h.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
    expect(ctx(h)).toMatchObject({ status: 'in-progress', correctionReason: 'Fel datum' });
    await send(h, { type: 'nav.goto', itemId: 'G_DATE' });
    await send(h, { type: 'answer.set', value: '2026-03-15' });
    expect(h.writes.at(-1)).toMatchObject({ reason: 'Fel datum', changes: [{ itemId: 'G_DATE', value: '2026-03-15', source: 'entered' }] });
    expect(h.writes.slice(0, -1).every((w) => w.reason === undefined)).toBe(true);
    await send(h, { type: 'nav.end' });
    await send(h, { type: 'interview.complete' });
    expect(h.statuses.map((s) => [s.status, s.reason])).toEqual([
      ['completed', undefined],
      ['in-progress', 'Fel datum'],
      ['completed', 'Fel datum'],
    ]);
  });

  describe('a failed write', () => {
    const quota = () => new StorageError('quota', 'The device storage is full, so the last change was not saved.');

    it('goes to saveFailed with the error, and changes neither answers nor position', async () => {
      const h = harness({ answers: entered({ G_DATE: '2026-03-14' }), position: 'W_LICENCE' });
      h.failures.push(quota());
      const before = ctx(h).answers;
      const snapshot = await send(h, { type: 'answer.set', value: 0 });
      expect(snapshot.matches({ active: 'saveFailed' })).toBe(true);
      expect(ctx(h).saveError).toEqual({ code: 'quota', message: 'The device storage is full, so the last change was not saved.' });
      expect(ctx(h).answers).toBe(before);
      expect(ctx(h).position).toBe('W_LICENCE');
      expect(h.writes).toEqual([]);
      // Navigation waits until the failure is dealt with.
      await send(h, { type: 'nav.next' });
      expect(ctx(h).position).toBe('W_LICENCE');
    });

    it('save.retry writes the same changes and then advances', async () => {
      const h = harness({ answers: entered({ G_DATE: '2026-03-14' }), position: 'W_LICENCE' });
      h.failures.push(quota());
      await send(h, { type: 'answer.set', value: 0 });
      await send(h, { type: 'save.retry' });
      expect(h.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
      expect(h.attempts).toHaveLength(2);
      expect(h.attempts[1]).toEqual(h.attempts[0]);
      expect(h.writes[0]!.changes).toEqual([
        { itemId: 'W_LICENCE', value: 0, source: 'entered' },
        { itemId: 'W_CAR', value: 0, source: 'autofill' },
      ]);
      expect(ctx(h)).toMatchObject({ saveError: null, pending: null, position: 'W_DAYS' });
      expect(ctx(h).answers.W_LICENCE).toEqual({ value: 0, source: 'entered' });
    });

    it('a retry that fails again stays in saveFailed with the new error', async () => {
      const h = harness();
      h.failures.push(quota(), new Error('disk on fire'));
      await send(h, { type: 'answer.set', value: '2026-03-14' });
      await send(h, { type: 'save.retry' });
      expect(h.actor.getSnapshot().matches({ active: 'saveFailed' })).toBe(true);
      expect(ctx(h).saveError).toEqual({ code: 'unknown', message: 'disk on fire' });
    });

    it('save.discard drops the answer', async () => {
      const h = harness({ answers: entered({ G_DATE: '2026-03-14' }), position: 'W_LICENCE' });
      h.failures.push(quota());
      await send(h, { type: 'answer.set', value: 0 });
      await send(h, { type: 'save.discard' });
      expect(h.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
      expect(ctx(h)).toMatchObject({ saveError: null, pending: null, position: 'W_LICENCE' });
      expect(ctx(h).answers).toEqual({ G_DATE: { value: '2026-03-14', source: 'entered' } });
      expect(h.writes).toEqual([]);
    });
  });

  it('pause and terminate wait for a write in flight, so a committed answer is never dropped', async () => {
    const h = harness();
    h.hold = deferred();
    h.actor.send({ type: 'answer.set', value: '2026-03-14' });
    h.actor.send({ type: 'interview.pause' });
    h.actor.send({ type: 'interview.terminate', reason: 'x' });
    expect(h.actor.getSnapshot().matches({ active: 'saving' })).toBe(true);
    h.hold.resolve();
    await waitFor(h.actor, (s) => s.matches({ active: 'answering' }));
    expect(ctx(h).answers).toEqual({ G_DATE: { value: '2026-03-14', source: 'entered' } });
    expect(ctx(h)).toMatchObject({ position: 'G_START', status: 'in-progress', terminationReason: null });
    expect(h.statuses).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('generated paths through every branch (xstate/graph)', () => {
  /** Representative answers: both branches for the items that drive a skip or auto-fill, one valid value otherwise. */
  function eventsFor(snapshot: Snapshot): InterviewEvent[] {
    if (snapshot.matches({ active: 'answering' })) {
      const position = snapshot.context.position;
      if (position === null) return [{ type: 'interview.complete' }];
      const branch = BRANCHING.find((b) => b.driver === position);
      const values: AnswerValue[] = branch ? [branch.on, branch.off] : [DEFAULTS[position]!];
      return values.map((value) => ({ type: 'answer.set', value }));
    }
    // The write finishing: the invoked actor's done event, named after its (generated) invoke id.
    if (snapshot.matches({ active: 'saving' }) || snapshot.matches('completing')) {
      return Object.keys(snapshot.children).map((id) => ({ type: `xstate.done.actor.${id}`, actorId: id, output: undefined }) as never);
    }
    return [];
  }
  // `pending` tells apart two saving states that differ only in the answer being written.
  const serializeState = (s: Snapshot) =>
    JSON.stringify({ value: s.value, position: s.context.position, answers: s.context.answers, pending: s.context.pending });

  const options = (round: string) => ({
    input: { instrument, round, interviewId: 'graph', actor: 'anna' } satisfies InterviewInput,
    events: eventsFor,
    serializeState,
  });

  it.each([
    ['intake', INTAKE],
    ['follow-up', FOLLOW_UP],
  ])('%s: every path ends in completed, one per branch combination, asking exactly the right items', (round, roundItems) => {
    const paths = getShortestPaths(interviewMachine, options(round));
    const ends = paths.filter((p) => eventsFor(p.state).length === 0);
    expect(ends.length).toBeGreaterThan(0);
    for (const end of ends) expect(end.state.value).toBe('completed');
    expect(ends).toHaveLength(2 ** BRANCHING.length);
    expect(new Set(ends.map((p) => serializeState(p.state))).size).toBe(2 ** BRANCHING.length);

    const combinations = new Set<string>();
    for (const path of ends) {
      const final = path.state.context;
      expect(final.status).toBe('completed');
      const value = (id: string) => final.answers[id]?.value;
      const skipped: string[] = SKIPS.filter((s) => value(s.driver) === s.on).map((s) => s.target);
      const filled = AUTOFILLS.filter((a) => value(a.driver) === a.on);
      combinations.add(BRANCHING.map((b) => value(b.driver)).join(','));

      // The items asked, in the order they were the position while answering.
      const asked = path.steps
        .map((step) => step.state)
        .filter((s) => s.matches({ active: 'answering' }) && s.context.position !== null)
        .map((s) => s.context.position);
      const notAsked = new Set([...skipped, ...filled.map((a) => a.target)]);
      expect(asked).toEqual(roundItems.filter((id) => !notAsked.has(id)));
      for (const id of skipped) expect(final.answers[id]).toBeUndefined();
      for (const a of filled) expect(final.answers[a.target]).toEqual({ value: a.value, source: 'autofill' });
      for (const a of AUTOFILLS.filter((x) => value(x.driver) === x.off)) expect(final.answers[a.target]).toEqual({ value: DEFAULTS[a.target], source: 'entered' });
    }
    expect(combinations.size).toBe(2 ** BRANCHING.length);
  });

  it('simple paths to completed agree with the shortest paths (the state graph is a tree)', () => {
    const simple = getSimplePaths(interviewMachine, { ...options('follow-up'), toState: (s) => s.matches('completed') });
    expect(simple).toHaveLength(2 ** BRANCHING.length);
    expect(simple.every((p) => p.steps.at(-1)!.state.matches('completed'))).toBe(true);
  });
});

describe('every combination of branching answers, driven to completion', () => {
  const combinations = Array.from({ length: 2 ** BRANCHING.length }, (_, n) =>
    Object.fromEntries(BRANCHING.map((b, bit) => [b.driver, n & (1 << bit) ? b.on : b.off])),
  ) as Record<string, number>[];

  it.each(['intake', 'follow-up'])('%s', async (round) => {
    const roundItems = round === 'intake' ? INTAKE : FOLLOW_UP;
    const seen = new Set<string>();
    for (const combination of combinations) {
      const h = harness({ round });
      const asked = await answerToEnd(h, combination);
      const expected = roundItems.filter((id) => {
        if (id === 'G_HOUSING_TIME') return combination.G_HOUSING !== 4;
        if (id === 'H_CHRONIC_SPEC') return combination.H_CHRONIC !== 0;
        if (id === 'A_SPENT') return combination.A_DAYS !== 0;
        if (id === 'W_CAR') return combination.W_LICENCE !== 0;
        if (id === 'W_MAJORITY') return combination.W_SUPPORT !== 0;
        return true;
      });
      expect(asked, JSON.stringify(combination)).toEqual(expected);
      seen.add(asked.join(' '));

      await send(h, { type: 'interview.complete' });
      expect(h.actor.getSnapshot().value).toBe('completed');
      const answers = Object.fromEntries(Object.entries(ctx(h).answers).map(([id, a]) => [id, a.value])) as Record<string, number>;
      const scores = computeScores(instrument, round, h.statuses[0]!.plan!.lookup);
      expect(scores.map((s) => s.value)).toEqual([health(answers), work(answers)]);
      if (combination.W_LICENCE === 0) expect(answers.W_CAR).toBe(0);
      h.actor.stop();
    }
    // Every combination asks a different set of items.
    expect(seen.size).toBe(combinations.length);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('sessions on a store', () => {
  const client: ClientRecord = { id: 'c1', code: 'K-001', sex: 'female', birthYear: 1980, createdAt: '2026-03-14T09:00:00.000+01:00', updatedAt: '2026-03-14T09:00:00.000+01:00' };

  async function begin(round = 'intake'): Promise<{ store: InterviewStore; session: InterviewSession }> {
    const store = createMemoryStore();
    await store.putClient(client);
    const record = await startInterview({ store, instrument, client, round, interviewer: 'anna' });
    const session = await openInterview({ store, instrument, interview: record });
    return { store, session };
  }
  async function reopen(store: InterviewStore, id: string, inst: CompiledInstrument = instrument): Promise<InterviewSession> {
    return openInterview({ store, instrument: inst, interview: (await store.getInterview(id))! });
  }
  async function act(session: InterviewSession, event: InterviewEvent): Promise<Snapshot> {
    session.actor.send(event);
    const snapshot = await waitFor(session.actor, settledStates, { timeout: 2000 });
    await session.settled();
    return snapshot;
  }
  async function answerItems(session: InterviewSession, values: Record<string, AnswerValue> = {}, count = Infinity): Promise<void> {
    for (let i = 0; i < count && session.actor.getSnapshot().context.position !== null; i++) {
      const position = session.actor.getSnapshot().context.position!;
      const snapshot = await act(session, { type: 'answer.set', value: position in values ? values[position]! : DEFAULTS[position]! });
      if (snapshot.context.rejection || !snapshot.matches({ active: 'answering' })) throw new Error(`${position} not saved`);
    }
  }
  const storedAnswers = async (store: InterviewStore, id: string) => answerMapFromRecords(await store.getAnswers(id));

  it('startInterview records the instrument version, round and interviewer', async () => {
    const { store, session } = await begin('follow-up');
    const record = (await store.getInterview(session.interview.id))!;
    expect(record).toMatchObject({ clientId: 'c1', instrumentId: 'demo', instrumentVersion: '1.0.0', round: 'follow-up', status: 'in-progress', interviewer: 'anna', mode: 'interviewer' });
    await expect(startInterview({ store, instrument, client, round: 'discharge' })).rejects.toThrow(
      'Instrument "demo" has no round "discharge" (rounds: intake, follow-up)',
    );
    session.stop();
  });

  it('answers, auto-fills and scores reach the store; the audit log chains', async () => {
    const { store, session } = await begin();
    const id = session.interview.id;
    await answerItems(session, { W_LICENCE: 0, W_INCOME: 0 });
    await act(session, { type: 'interview.complete' });
    expect(session.actor.getSnapshot().value).toBe('completed');

    const stored = await storedAnswers(store, id);
    expect(stored).toEqual(session.actor.getSnapshot().context.answers);
    expect(stored.W_CAR).toEqual({ value: 0, source: 'autofill' });
    const record = (await store.getInterview(id))!;
    expect(record.status).toBe('completed');
    expect(record.completedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);

    const scores = await store.getScores(id);
    expect(scores.map((s) => [s.scoreId, s.value])).toEqual([
      ['HEALTH', 12 / 90 + 3 / 12 + 2 / 12],
      // W_LICENCE 0 auto-fills W_CAR 0; income 0 makes the ln term 0.
      ['WORK', 1 - (0 / 4 + 0 / 4 + 20 / 120 + 0 / 36)],
    ]);
    expect(scores[1]!.provenance).toEqual({
      algorithm: { id: 'demo-work', version: '1' },
      instrument: { id: 'demo', version: '1.0.0' },
      inputs: { W_LICENCE: 0, W_CAR: 0, W_DAYS: 20, W_INCOME: 0 },
      missing: [],
    });
    expect(await store.verifyAuditLog(id)).toEqual({ ok: true });
    session.stop();
  });

  it('a score with an input answered X is null, with the input listed as missing', async () => {
    const { store, session } = await begin();
    await answerItems(session, { H_DAYS: 'X' });
    await act(session, { type: 'interview.complete' });
    const scores = await store.getScores(session.interview.id);
    expect(scores[0]).toMatchObject({ scoreId: 'HEALTH', value: null, provenance: { missing: ['H_DAYS'], inputs: { H_DAYS: 'X', H_TROUBLED: 3, H_IMPORTANT: 2 } } });
    expect(scores[1]!.value).toBe(work({ W_LICENCE: 1, W_CAR: 1, W_DAYS: 20, W_INCOME: 12500 }));
    session.stop();
  });

  it('terminate stores status, reason and time', async () => {
    const { store, session } = await begin();
    await answerItems(session, {}, 3);
    await act(session, { type: 'interview.terminate', reason: 'Klienten orkade inte' });
    const record = (await store.getInterview(session.interview.id))!;
    expect(record).toMatchObject({ status: 'terminated', terminationReason: 'Klienten orkade inte' });
    expect(record.terminatedAt).toBeTypeOf('string');
    const statusEvents = (await store.getAuditLog(session.interview.id)).filter((e) => e.type === 'status');
    expect(statusEvents.map((e) => [e.old, e.new, e.reason])).toEqual([['in-progress', 'terminated', 'Klienten orkade inte']]);
    session.stop();
  });

  it('after reopening a completed interview, every later audit event carries the reason', async () => {
    const { store, session } = await begin();
    const id = session.interview.id;
    await answerItems(session);
    await act(session, { type: 'interview.complete' });
    const before = (await store.getAuditLog(id)).length;
    await act(session, { type: 'interview.reopen', reason: 'Fel datum angivet' });
    await act(session, { type: 'nav.goto', itemId: 'G_DATE' });
    await act(session, { type: 'answer.set', value: '2026-03-13' });
    await act(session, { type: 'nav.goto', itemId: 'W_LICENCE' });
    await act(session, { type: 'answer.set', value: 0 });
    await act(session, { type: 'nav.end' });
    await act(session, { type: 'interview.complete' });

    const log = await store.getAuditLog(id);
    expect(log.slice(0, before).every((e) => e.reason === undefined)).toBe(true);
    const later = log.slice(before);
    expect(later.map((e) => [e.type, e.itemId, e.old, e.new])).toEqual([
      ['status', null, 'completed', 'in-progress'],
      ['answer', 'G_DATE', '2026-03-14', '2026-03-13'],
      ['answer', 'W_LICENCE', 1, 0],
      ['answer', 'W_CAR', 1, 0],
      ['status', null, 'in-progress', 'completed'],
    ]);
    expect(later.every((e) => e.reason === 'Fel datum angivet' && e.actor === 'anna')).toBe(true);
    expect(await store.verifyAuditLog(id)).toEqual({ ok: true });
    session.stop();
  });

  it('a write the store refuses goes to saveFailed and leaves the store unchanged', async () => {
    const { store, session } = await begin();
    await answerItems(session, {}, 2);
    const id = session.interview.id;
    const raw = memoryStoreRecords(store)!;
    const answersBefore = structuredClone([...raw.answers.get(id)!.values()]);
    const auditBefore = raw.audit.length;
    const recordBefore = structuredClone(raw.interviews.get(id));
    store.close();
    const snapshot = await act(session, { type: 'answer.set', value: 1 });
    expect(snapshot.matches({ active: 'saveFailed' })).toBe(true);
    expect(snapshot.context.saveError).toEqual({ code: 'closed', message: 'The store has been closed.' });
    expect(snapshot.context.position).toBe('G_HOUSING');
    expect(snapshot.context.answers.G_HOUSING).toBeUndefined();
    session.stop();
    expect([...raw.answers.get(id)!.values()]).toEqual(answersBefore);
    expect(answersBefore.map((a) => a.itemId)).toEqual(['G_DATE', 'G_START']);
    expect(raw.audit).toHaveLength(auditBefore);
    expect(raw.interviews.get(id)).toEqual(recordBefore);
  });

  describe('persistence', () => {
    it('trimSnapshot keeps only what cannot be recomputed, and nothing while a write is in flight', async () => {
      const { session } = await begin();
      await answerItems(session, {}, 2);
      const trimmed = trimSnapshot(session.actor.getSnapshot());
      expect(trimmed).toEqual({
        machineVersion: MACHINE_VERSION,
        state: 'active.answering',
        position: 'G_HOUSING',
        reviewSection: null,
        status: 'in-progress',
        terminationReason: null,
        correctionReason: null,
      });
      const json = JSON.stringify(trimmed);
      for (const heavy of ['instrument', 'answers', 'plan', 'G_DATE', '2026-03-14']) expect(json).not.toContain(heavy);
      session.actor.send({ type: 'answer.set', value: 1 });
      expect(trimSnapshot(session.actor.getSnapshot())).toBeNull();
      await waitFor(session.actor, (s) => s.matches({ active: 'answering' }));
      await session.settled();
      session.stop();
    });

    it('the session writes the trimmed snapshot and position to the record', async () => {
      const { store, session } = await begin();
      await answerItems(session, {}, 3);
      await act(session, { type: 'review.open', sectionId: 'health' });
      const record = (await store.getInterview(session.interview.id))!;
      expect(record.position).toBe('G_HOUSING_TIME');
      expect(record.snapshot).toEqual({
        machineVersion: MACHINE_VERSION,
        state: 'active.reviewing',
        position: 'G_HOUSING_TIME',
        reviewSection: 'health',
        status: 'in-progress',
        terminationReason: null,
        correctionReason: null,
      });
      session.stop();
    });

    it('openInterview restores a stored snapshot: same state, same position', async () => {
      const { store, session } = await begin();
      const id = session.interview.id;
      await answerItems(session, {}, 6);
      // Go back: the position is now not the first unanswered item, so only the snapshot/record knows it.
      await act(session, { type: 'nav.goto', itemId: 'G_HOUSING' });
      await act(session, { type: 'review.open', sectionId: 'work' });
      session.stop();

      const again = await reopen(store, id);
      expect(again.restoredFromSnapshot).toBe(true);
      const snapshot = again.actor.getSnapshot();
      expect(snapshot.matches({ active: 'reviewing' })).toBe(true);
      expect(snapshot.context).toMatchObject({ position: 'G_HOUSING', reviewSection: 'work', status: 'in-progress' });
      expect(snapshot.context.answers).toEqual(await storedAnswers(store, id));
      expect(Object.keys(snapshot.context.answers)).toHaveLength(6);
      // The restored actor works: leave the review and carry on.
      await act(again, { type: 'review.close' });
      await act(again, { type: 'answer.set', value: 2 });
      expect(again.actor.getSnapshot().context.position).toBe('G_HOUSING_TIME');
      again.stop();
    });

    it('a paused interview reopens paused', async () => {
      const { store, session } = await begin();
      await answerItems(session, {}, 2);
      await act(session, { type: 'interview.pause' });
      session.stop();
      const again = await reopen(store, session.interview.id);
      expect(again.restoredFromSnapshot).toBe(true);
      expect(again.actor.getSnapshot().value).toBe('paused');
      await act(again, { type: 'interview.resume' });
      expect(again.actor.getSnapshot().context.position).toBe('G_HOUSING');
      expect((await store.getInterview(session.interview.id))!.status).toBe('in-progress');
      again.stop();
    });

    const good = (position: string | null): StoredSnapshot => ({
      machineVersion: MACHINE_VERSION,
      state: 'active.answering',
      position,
      reviewSection: null,
      status: 'in-progress',
      terminationReason: null,
      correctionReason: null,
    });

    it.each([
      ['another machine version', { ...good('G_DATE'), machineVersion: MACHINE_VERSION + 1 }],
      ['an older machine version', { ...good('G_DATE'), machineVersion: 0 }],
      ['garbage text', 'not a snapshot'],
      ['a number', 42],
      ['an object of the wrong shape', { state: { active: 'answering' }, context: {} }],
      ['an unknown state', { ...good('G_DATE'), state: 'active.saving' }],
      ['a status that disagrees with the record', { ...good('G_DATE'), state: 'paused', status: 'paused' }],
      ['an unknown review section', { ...good('G_DATE'), state: 'active.reviewing', reviewSection: 'nope' }],
    ])('falls back to rebuilding from the answers for %s, at the record’s position', async (_name, snapshot) => {
      const { store, session } = await begin();
      const id = session.interview.id;
      await answerItems(session, { W_LICENCE: 0 }, 14);
      session.stop();
      const given = await storedAnswers(store, id);
      await store.updateInterview(id, { snapshot, position: 'G_HOUSING' }, { actor: 'test' });

      const again = await reopen(store, id);
      expect(again.restoredFromSnapshot).toBe(false);
      const restored = again.actor.getSnapshot();
      expect(restored.matches({ active: 'answering' })).toBe(true);
      expect(restored.context.position).toBe('G_HOUSING');
      expect(restored.context.answers).toEqual(given);
      expect(Object.keys(given)).toHaveLength(15); // 14 entered + the auto-filled W_CAR
      again.stop();
    });

    it('a snapshot whose position is no longer asked falls back to the first unanswered item', async () => {
      const { store, session } = await begin();
      const id = session.interview.id;
      await answerItems(session, { G_HOUSING: 4 }, 4);
      expect(session.actor.getSnapshot().context.position).toBe('H_CHRONIC');
      session.stop();
      // G_HOUSING = 4 skips G_HOUSING_TIME, so neither the snapshot's nor the record's position can be used.
      await store.updateInterview(id, { snapshot: good('G_HOUSING_TIME'), position: 'G_HOUSING_TIME' }, { actor: 'test' });

      const again = await reopen(store, id);
      expect(again.restoredFromSnapshot).toBe(false);
      expect(again.actor.getSnapshot().context.position).toBe('H_CHRONIC');
      expect(again.actor.getSnapshot().context.answers).toEqual(await storedAnswers(store, id));
      expect(Object.keys(again.actor.getSnapshot().context.answers)).toEqual(['G_DATE', 'G_HOUSING', 'G_START', 'H_HOSP']);
      again.stop();
    });

    it('restoreSnapshot checks the snapshot against the input directly', () => {
      const input: InterviewInput = { instrument, round: 'intake', interviewId: 'i1', actor: 'anna', answers: entered({ G_HOUSING: 4 }) };
      expect(restoreSnapshot(good('H_HOSP'), input)?.context.position).toBe('H_HOSP');
      expect(restoreSnapshot(good(null), input)?.context.position).toBeNull();
      expect(restoreSnapshot(good('G_HOUSING_TIME'), input)).toBeNull();
      expect(restoreSnapshot(good('G_START'), { ...input, round: 'follow-up' })).toBeNull();
      expect(restoreSnapshot(null, input)).toBeNull();
      expect(restoreSnapshot({ ...good('H_HOSP'), state: 'completed', status: 'completed' }, { ...input, status: 'completed' })?.value).toBe('completed');
    });

    it('opening an interview taken with another instrument version throws, naming both', async () => {
      const { store, session } = await begin();
      await answerItems(session, {}, 1);
      session.stop();
      const v2 = loadInstrument({ ...structuredClone(demo), version: '2.0.0' });
      const record = (await store.getInterview(session.interview.id))!;
      await expect(openInterview({ store, instrument: v2, interview: record })).rejects.toThrow(
        `Interview ${record.id} was taken with demo@1.0.0; it must be resumed on that version, not demo@2.0.0`,
      );
      // The original version still opens it.
      const again = await reopen(store, record.id);
      expect(again.actor.getSnapshot().context.position).toBe('G_START');
      again.stop();
    });

    it('resumes after a crash (no pause) at the next unanswered item with every answer', async () => {
      const { store, session } = await begin();
      const id = session.interview.id;
      const values = { G_HOUSING: 4, H_CHRONIC: 0, W_SUPPORT: 0 };
      await answerItems(session, values, 12);
      const before = session.actor.getSnapshot().context;
      expect(before.position).toBe('W_INCOME');
      // "Crash": the tab goes away with no pause and no goodbye.
      session.stop();

      const again = await reopen(store, id);
      const after = again.actor.getSnapshot().context;
      expect(again.actor.getSnapshot().matches({ active: 'answering' })).toBe(true);
      expect(after.position).toBe('W_INCOME');
      expect(after.answers).toEqual(before.answers);
      expect(Object.keys(after.answers)).toHaveLength(12);
      await answerItems(again, values);
      await act(again, { type: 'interview.complete' });
      expect(again.actor.getSnapshot().value).toBe('completed');
      expect((await storedAnswers(store, id)).W_MAJORITY).toEqual({ value: 'N', source: 'autofill' });
      again.stop();
    });

    it('resumes after a crash even when the snapshot write never happened', async () => {
      const { store, session } = await begin();
      const id = session.interview.id;
      await answerItems(session, {}, 5);
      session.stop();
      // Only the answers (and the position written with them) survive.
      await store.updateInterview(id, { snapshot: undefined }, { actor: 'test' });
      const again = await reopen(store, id);
      expect(again.restoredFromSnapshot).toBe(false);
      expect(again.actor.getSnapshot().context.position).toBe('H_CHRONIC');
      expect(Object.keys(again.actor.getSnapshot().context.answers)).toHaveLength(5);
      again.stop();
    });
  });
});

describe('writes per answer', () => {
  it('stores the answer and the snapshot in one write: no separate snapshot write after an answer', async () => {
    const { createMemoryStore } = await import('../../src/core/storage/memory-store.js');
    const { loadInstrument, builtinDefinition } = await import('../../src/core/definition/index.js');
    const { startInterview, openInterview } = await import('../../src/core/flow/index.js');
    const base = createMemoryStore();
    const calls: string[] = [];
    const store = Object.assign(Object.create(base), {
      saveAnswers: (...a: Parameters<typeof base.saveAnswers>) => (calls.push('saveAnswers'), base.saveAnswers(...a)),
      updateInterview: (...a: Parameters<typeof base.updateInterview>) => (calls.push('updateInterview'), base.updateInterview(...a)),
    }) as typeof base;
    const instrument = loadInstrument(await builtinDefinition('demo'));
    const client = { id: 'c', code: 'K', sex: 'male' as const, createdAt: '', updatedAt: '' };
    await store.putClient(client);
    const record = await startInterview({ store, instrument, client, round: 'intake' });
    const session = await openInterview({ store, instrument, interview: record });
    await session.settled();
    calls.length = 0;
    session.actor.send({ type: 'answer.set', value: '2026-03-14' });
    await waitFor(session.actor, (s) => s.matches({ active: 'answering' }) && s.context.position === 'G_START');
    await session.settled();
    expect(calls).toEqual(['saveAnswers']);
    const stored = await store.getInterview(record.id);
    expect(stored?.position).toBe('G_START');
    expect(stored?.snapshot).toMatchObject({ state: 'active.answering', position: 'G_START' });
    session.stop();
  });
});
