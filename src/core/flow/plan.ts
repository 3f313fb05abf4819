// The interview plan: for a round and the current answers, which items are asked, skipped or auto-filled. Pure.
import { evaluateCondition } from '../expression/index.js';
import type { CompiledInstrument, CompiledItem } from '../definition/compiled.js';
import type { AnswerLookup, AnswerValue } from '../definition/values.js';
import type { AnswerChange, AnswerRecord, AnswerSource } from '../storage/types.js';

export interface StoredAnswer {
  value: AnswerValue;
  source: AnswerSource;
}
export type AnswerMap = Readonly<Record<string, StoredAnswer>>;

export type StepState = 'ask' | 'skip' | 'autofill';

export interface PlanStep {
  readonly item: CompiledItem;
  readonly state: StepState;
  /** The answer that counts: the entered answer of an asked item, the value of an auto-filled one, else undefined. */
  readonly value: AnswerValue | undefined;
}

export interface InterviewPlan {
  readonly round: string;
  readonly steps: readonly PlanStep[];
  /** Items the interviewer is asked, in order. */
  readonly asked: readonly CompiledItem[];
  readonly answeredCount: number;
  step(itemId: string): PlanStep | undefined;
  /** The values that count, for expressions, scoring and export (skipped items are blank). */
  readonly lookup: AnswerLookup;
}

export function answerMapFromRecords(records: readonly AnswerRecord[]): Record<string, StoredAnswer> {
  const map: Record<string, StoredAnswer> = {};
  for (const r of records) map[r.itemId] = { value: r.value, source: r.source };
  return map;
}

/**
 * Walks the round's items in order. An auto-fill rule that holds wins (the item is not asked); otherwise a `when`
 * that is false skips the item. A condition that is unknown (it reads a blank answer) asks the item: asking too much
 * is recoverable, skipping wrongly loses information.
 */
export function planInterview(instrument: CompiledInstrument, round: string, answers: AnswerMap): InterviewPlan {
  const effective = new Map<string, AnswerValue>();
  const lookup: AnswerLookup = (id) => effective.get(id);
  const steps: PlanStep[] = [];
  const byId = new Map<string, PlanStep>();
  const asked: CompiledItem[] = [];
  let answeredCount = 0;
  for (const item of instrument.itemsInRound(round)) {
    let step: PlanStep;
    const fill = item.autofill.find((rule) => evaluateCondition(rule.when, lookup) === true);
    if (fill) {
      step = { item, state: 'autofill', value: fill.value };
    } else if (item.when && evaluateCondition(item.when, lookup) === false) {
      step = { item, state: 'skip', value: undefined };
    } else {
      const stored = answers[item.id];
      // A stale auto-filled value (its rule no longer holds) does not count as an answer.
      const value = stored && stored.source === 'entered' ? stored.value : undefined;
      step = { item, state: 'ask', value };
      asked.push(item);
      if (value !== undefined) answeredCount++;
    }
    if (step.value !== undefined) effective.set(item.id, step.value);
    steps.push(step);
    byId.set(item.id, step);
  }
  return { round, steps, asked, answeredCount, step: (id) => byId.get(id), lookup };
}

/** Writes that make stored answers agree with the plan: set auto-filled values, clear stale ones. */
export function reconcileAutofill(plan: InterviewPlan, answers: AnswerMap): AnswerChange[] {
  const changes: AnswerChange[] = [];
  for (const step of plan.steps) {
    const stored = answers[step.item.id];
    if (step.state === 'autofill') {
      if (!stored || stored.source !== 'autofill' || stored.value !== step.value)
        changes.push({ itemId: step.item.id, value: step.value!, source: 'autofill' });
    } else if (stored?.source === 'autofill') {
      changes.push({ itemId: step.item.id, value: null, source: 'autofill' });
    }
  }
  return changes;
}

export function applyChanges(answers: AnswerMap, changes: readonly AnswerChange[]): Record<string, StoredAnswer> {
  const next: Record<string, StoredAnswer> = { ...answers };
  for (const c of changes) {
    if (c.value === null) delete next[c.itemId];
    else next[c.itemId] = { value: c.value, source: c.source };
  }
  return next;
}

/** The asked item after `itemId` (null at the end). `itemId` may itself have become skipped. */
export function nextAsked(plan: InterviewPlan, itemId: string | null): string | null {
  if (itemId === null) return null;
  const from = plan.step(itemId)?.item.index ?? -1;
  return plan.asked.find((i) => i.index > from)?.id ?? null;
}

export function previousAsked(plan: InterviewPlan, itemId: string | null): string | null {
  const from = itemId === null ? Infinity : (plan.step(itemId)?.item.index ?? Infinity);
  const before = plan.asked.filter((i) => i.index < from);
  return before[before.length - 1]?.id ?? null;
}

export function firstUnanswered(plan: InterviewPlan): string | null {
  return plan.asked.find((i) => plan.step(i.id)!.value === undefined)?.id ?? null;
}

export function unansweredItems(plan: InterviewPlan): string[] {
  return plan.asked.filter((i) => plan.step(i.id)!.value === undefined).map((i) => i.id);
}
