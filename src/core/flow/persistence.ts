// Persisted machine snapshots: trimmed to what cannot be recomputed, restored only when they still fit the answers.
import type { SnapshotFrom } from 'xstate';
import { interviewContext, interviewMachine, type InterviewContext, type InterviewInput } from './machine.js';
import { planInterview } from './plan.js';
import { MACHINE_VERSION, STABLE_STATES as STABLE, storedSnapshot, type StableState, type StoredSnapshot } from './snapshot.js';

export type { StoredSnapshot } from './snapshot.js';

type InterviewSnapshot = SnapshotFrom<typeof interviewMachine>;

export function stableStateOf(snapshot: InterviewSnapshot): StableState | null {
  return STABLE.find((s) => snapshot.matches(s as never)) ?? null;
}

/**
 * The instrument, answers and plan are left out: the answers are the record (stored on their own) and the rest is
 * derived. What remains is small enough to write after every move.
 */
export function trimSnapshot(snapshot: InterviewSnapshot): StoredSnapshot | null {
  const state = stableStateOf(snapshot);
  if (!state) return null;
  return storedSnapshot(state, snapshot.context);
}

const STATUS_OF_STATE: Record<StableState, InterviewContext['status'][]> = {
  'active.answering': ['in-progress'],
  'active.reviewing': ['in-progress'],
  paused: ['paused'],
  completed: ['completed'],
  terminated: ['terminated'],
};

/**
 * Rebuilds a machine snapshot from a stored one, or returns null when it does not fit (another machine version,
 * a status that disagrees with the interview record, or a position that is no longer asked); the caller then
 * starts from the answers and the record's position instead.
 */
export function restoreSnapshot(stored: unknown, input: InterviewInput): InterviewSnapshot | null {
  if (!stored || typeof stored !== 'object') return null;
  const s = stored as Partial<StoredSnapshot>;
  if (s.machineVersion !== MACHINE_VERSION || !s.state || !STABLE.includes(s.state)) return null;
  const status = input.status ?? 'in-progress';
  if (s.status !== status || !STATUS_OF_STATE[s.state].includes(status)) return null;
  const plan = planInterview(input.instrument, input.round, input.answers ?? {});
  const position = s.position ?? null;
  if (position !== null && plan.step(position)?.state !== 'ask') return null;
  if (s.reviewSection && !input.instrument.sections.some((x) => x.id === s.reviewSection)) return null;
  const context = interviewContext(input, plan, {
    position,
    reviewSection: s.reviewSection ?? null,
    terminationReason: s.terminationReason ?? null,
    correctionReason: s.correctionReason ?? null,
  });
  const value = s.state.includes('.') ? { active: s.state.split('.')[1]! } : s.state;
  return interviewMachine.resolveState({ value: value as never, context });
}
