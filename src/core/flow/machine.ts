// The one generic interview machine: position, skip/auto-fill, navigation, saving, pause/resume/complete/terminate.
import { assign, fromPromise, setup } from 'xstate';
import { checkAnswer, type CompiledInstrument } from '../definition/compiled.js';
import type { Message } from '../definition/text.js';
import type { AnswerValue } from '../definition/values.js';
import { evaluateCondition } from '../expression/index.js';
import type { AnswerChange, InterviewRecord, InterviewStatus } from '../storage/types.js';
import {
  applyChanges,
  firstUnanswered,
  nextAsked,
  planInterview,
  previousAsked,
  reconcileAutofill,
  unansweredItems,
  type AnswerMap,
  type InterviewPlan,
} from './plan.js';
import { storedSnapshot } from './snapshot.js';

export { MACHINE_VERSION } from './snapshot.js';

export interface EarlierRound {
  interviewId: string;
  round: string;
  /** Date of that interview (YYYY-MM-DD): follow-ups ask "since" this date. */
  date: string;
  answers: AnswerMap;
}

export interface InterviewInput {
  instrument: CompiledInstrument;
  round: string;
  interviewId: string;
  /** Who records the answers (interviewer id), for the audit trail. */
  actor: string;
  answers?: AnswerMap;
  /** Item to resume at, if still asked; otherwise the first unanswered item. */
  position?: string | null;
  status?: InterviewStatus;
  earlier?: EarlierRound[];
}

export interface PendingSave {
  changes: AnswerChange[];
  /** Where to go once the write has committed. */
  next: string | null;
}

export interface InterviewContext {
  instrument: CompiledInstrument;
  round: string;
  interviewId: string;
  actor: string;
  answers: AnswerMap;
  plan: InterviewPlan;
  /** Current item; null = past the last item (the completion step). */
  position: string | null;
  reviewSection: string | null;
  status: InterviewStatus;
  earlier: EarlierRound[];
  pending: PendingSave | null;
  /** Why the last answer was refused (not saved). */
  rejection: { itemId: string; message: Message } | null;
  /** The last failed write: shown until a retry succeeds. */
  saveError: { code: string; message: string } | null;
  /** Items left blank when completion was asked for. */
  unanswered: string[];
  terminationReason: string | null;
  /** Reason given when a completed interview was reopened; recorded on every later change. */
  correctionReason: string | null;
}

export type InterviewEvent =
  | { type: 'answer.set'; value: AnswerValue; itemId?: string }
  | { type: 'nav.next' }
  | { type: 'nav.back' }
  | { type: 'nav.goto'; itemId: string }
  | { type: 'nav.end' }
  | { type: 'review.open'; sectionId: string }
  | { type: 'review.close' }
  | { type: 'interview.pause' }
  | { type: 'interview.resume' }
  | { type: 'interview.complete' }
  | { type: 'interview.terminate'; reason: string }
  | { type: 'interview.reopen'; reason: string; itemId?: string }
  | { type: 'save.retry' }
  | { type: 'save.discard' };

export interface PersistAnswersInput {
  interviewId: string;
  changes: AnswerChange[];
  actor: string;
  reason?: string;
  interview: Partial<InterviewRecord>;
}
export interface PersistStatusInput {
  interviewId: string;
  status: InterviewStatus;
  actor: string;
  reason?: string;
  position: string | null;
  /** Present on completion: the plan whose answers the scores are computed from. */
  plan?: InterviewPlan;
}

/** A fresh context from the input and its plan; `resume` carries what a stored snapshot remembers. */
export function interviewContext(
  input: InterviewInput,
  plan: InterviewPlan,
  resume: Partial<Pick<InterviewContext, 'reviewSection' | 'terminationReason' | 'correctionReason'>> & { position: string | null },
): InterviewContext {
  return {
    instrument: input.instrument,
    round: input.round,
    interviewId: input.interviewId,
    actor: input.actor,
    answers: input.answers ?? {},
    plan,
    status: input.status ?? 'in-progress',
    earlier: input.earlier ?? [],
    pending: null,
    rejection: null,
    saveError: null,
    unanswered: [],
    reviewSection: null,
    terminationReason: null,
    correctionReason: null,
    ...resume,
  };
}

const notProvided = (what: string) =>
  fromPromise<void, unknown>(async () => {
    throw new Error(`${what} is not provided: create the actor with createInterviewActor() or machine.provide()`);
  });

type AnswerSet = Extract<InterviewEvent, { type: 'answer.set' }>;

function targetOf(context: InterviewContext, event: AnswerSet): string | null {
  return event.itemId ?? context.position;
}

/** Refusal message for an answer, or null if it may be saved. Warnings never block; errors do. */
function refusal(context: InterviewContext, event: AnswerSet): { itemId: string; message: Message } | null {
  const itemId = targetOf(context, event);
  const step = itemId ? context.plan.step(itemId) : undefined;
  if (!itemId || !step) return { itemId: itemId ?? '', message: { sv: 'Ingen fråga att besvara här', en: 'No question to answer here' } };
  if (step.state !== 'ask') return { itemId, message: { sv: 'Frågan ställs inte i detta läge', en: 'This question is not asked now' } };
  const problem = checkAnswer(context.instrument, step.item, event.value);
  if (problem) return { itemId, message: problem };
  const candidate = applyChanges(context.answers, [{ itemId, value: event.value, source: 'entered' }]);
  const plan = planInterview(context.instrument, context.round, candidate);
  const broken = step.item.validate.find((v) => v.level === 'error' && evaluateCondition(v.rule, plan.lookup) === false);
  return broken ? { itemId, message: broken.message } : null;
}

export const interviewMachine = setup({
  types: {
    context: {} as InterviewContext,
    events: {} as InterviewEvent,
    input: {} as InterviewInput,
  },
  actors: {
    persistAnswers: notProvided('persistAnswers') as unknown as ReturnType<typeof fromPromise<void, PersistAnswersInput>>,
    persistStatus: notProvided('persistStatus') as unknown as ReturnType<typeof fromPromise<void, PersistStatusInput>>,
  },
  guards: {
    answerRefused: ({ context, event }) => refusal(context, event as AnswerSet) !== null,
    allAnswered: ({ context }) => unansweredItems(context.plan).length === 0,
    isStatus: ({ context }, params: { status: InterviewStatus }) => context.status === params.status,
    canGoTo: ({ context, event }) => {
      const id = (event as { itemId: string }).itemId;
      return context.plan.step(id)?.state === 'ask';
    },
  },
  actions: {
    refuse: assign({ rejection: ({ context, event }) => refusal(context, event as AnswerSet) }),
    prepareSave: assign(({ context, event }) => {
      const e = event as AnswerSet;
      const itemId = targetOf(context, e)!;
      const entered: AnswerChange = { itemId, value: e.value, source: 'entered' };
      const answers = applyChanges(context.answers, [entered]);
      const plan = planInterview(context.instrument, context.round, answers);
      // One write carries the answer and every auto-fill it switches on or off, so they commit together.
      const changes = [entered, ...reconcileAutofill(plan, answers)];
      return { pending: { changes, next: nextAsked(plan, itemId) }, rejection: null };
    }),
    commitSave: assign(({ context }) => {
      const answers = applyChanges(context.answers, context.pending!.changes);
      return {
        answers,
        plan: planInterview(context.instrument, context.round, answers),
        position: context.pending!.next,
        pending: null,
        saveError: null,
      };
    }),
    dropPending: assign({ pending: null, saveError: null }),
    recordSaveError: assign({
      saveError: ({ event }) => {
        const error = (event as { error?: unknown }).error as { code?: string; message?: string } | undefined;
        return { code: error?.code ?? 'unknown', message: error?.message ?? String(error) };
      },
    }),
    clearSaveError: assign({ saveError: null }),
    goNext: assign({ position: ({ context }) => nextAsked(context.plan, context.position), rejection: null }),
    // At the first asked item there is nothing before it: stay there (null would mean the completion step).
    goBack: assign({ position: ({ context }) => previousAsked(context.plan, context.position) ?? context.position, rejection: null }),
    goTo: assign({ position: ({ event }) => (event as { itemId: string }).itemId, rejection: null, reviewSection: null }),
    goEnd: assign({ position: null, rejection: null }),
    openReview: assign({ reviewSection: ({ event }) => (event as { sectionId: string }).sectionId }),
    closeReview: assign({ reviewSection: null }),
    noteUnanswered: assign({ unanswered: ({ context }) => unansweredItems(context.plan) }),
    setStatus: assign((_, params: { status: InterviewStatus }) => ({ status: params.status, unanswered: [] })),
    setTermination: assign({ terminationReason: ({ event }) => (event as { reason: string }).reason }),
    // A reopen may name the item to correct (a statement the client corrects in the feedback summary).
    setCorrection: assign(({ context, event }) => {
      const { reason, itemId } = event as { reason: string; itemId?: string };
      const position = itemId && context.plan.step(itemId)?.state === 'ask' ? itemId : context.position;
      return { correctionReason: reason, position };
    }),
  },
}).createMachine({
  id: 'interview',
  context: ({ input }) => {
    const plan = planInterview(input.instrument, input.round, input.answers ?? {});
    const resumeAt = input.position && plan.step(input.position)?.state === 'ask' ? input.position : firstUnanswered(plan);
    return interviewContext(input, plan, { position: resumeAt });
  },
  initial: 'routing',
  states: {
    routing: {
      always: [
        { guard: { type: 'isStatus', params: { status: 'completed' } }, target: 'completed' },
        { guard: { type: 'isStatus', params: { status: 'terminated' } }, target: 'terminated' },
        { guard: { type: 'isStatus', params: { status: 'paused' } }, target: 'paused' },
        { target: 'active' },
      ],
    },
    active: {
      initial: 'answering',
      on: {
        'interview.pause': { target: 'pausing' },
        'interview.terminate': { target: 'terminating', actions: 'setTermination' },
      },
      states: {
        answering: {
          on: {
            'answer.set': [{ guard: 'answerRefused', actions: 'refuse' }, { target: 'saving', actions: 'prepareSave' }],
            'nav.next': { actions: 'goNext' },
            'nav.back': { actions: 'goBack' },
            'nav.goto': { guard: 'canGoTo', actions: 'goTo' },
            'nav.end': { actions: 'goEnd' },
            'review.open': { target: 'reviewing', actions: 'openReview' },
            'interview.complete': [
              { guard: 'allAnswered', target: '#interview.completing' },
              { actions: 'noteUnanswered' },
            ],
          },
        },
        reviewing: {
          on: {
            'nav.goto': { guard: 'canGoTo', target: 'answering', actions: 'goTo' },
            'review.open': { actions: 'openReview' },
            'review.close': { target: 'answering', actions: 'closeReview' },
          },
        },
        saving: {
          // The write may already have committed: leaving now would drop its answer from the context while the store
          // holds it, so pause and terminate wait until it settles (as navigation does).
          on: { 'interview.pause': { actions: [] }, 'interview.terminate': { actions: [] } },
          invoke: {
            src: 'persistAnswers',
            input: ({ context }) => ({
              interviewId: context.interviewId,
              changes: context.pending!.changes,
              actor: context.actor,
              ...(context.correctionReason ? { reason: context.correctionReason } : {}),
              // The snapshot the machine will have once this commits, so that one transaction stores both.
              interview: {
                position: context.pending!.next ?? undefined,
                snapshot: storedSnapshot('active.answering', { ...context, position: context.pending!.next }),
              },
            }),
            onDone: { target: 'answering', actions: 'commitSave' },
            onError: { target: 'saveFailed', actions: 'recordSaveError' },
          },
        },
        saveFailed: {
          on: {
            'save.retry': { target: 'saving' },
            'save.discard': { target: 'answering', actions: 'dropPending' },
          },
        },
      },
    },
    pausing: {
      invoke: {
        src: 'persistStatus',
        input: ({ context }) => ({ interviewId: context.interviewId, status: 'paused', actor: context.actor, position: context.position }),
        onDone: { target: 'paused', actions: [{ type: 'setStatus', params: { status: 'paused' } }, 'clearSaveError'] },
        onError: { target: 'active', actions: 'recordSaveError' },
      },
    },
    paused: {
      on: { 'interview.resume': { target: 'resuming' } },
    },
    resuming: {
      invoke: {
        src: 'persistStatus',
        input: ({ context }) => ({ interviewId: context.interviewId, status: 'in-progress', actor: context.actor, position: context.position }),
        onDone: { target: 'active', actions: [{ type: 'setStatus', params: { status: 'in-progress' } }, 'clearSaveError'] },
        onError: { target: 'paused', actions: 'recordSaveError' },
      },
    },
    completing: {
      invoke: {
        src: 'persistStatus',
        input: ({ context }) => ({
          interviewId: context.interviewId,
          status: 'completed',
          actor: context.actor,
          position: null,
          plan: context.plan,
          ...(context.correctionReason ? { reason: context.correctionReason } : {}),
        }),
        onDone: { target: 'completed', actions: [{ type: 'setStatus', params: { status: 'completed' } }, 'clearSaveError'] },
        onError: { target: 'active', actions: 'recordSaveError' },
      },
    },
    completed: {
      on: { 'interview.reopen': { target: 'reopening', actions: 'setCorrection' } },
    },
    reopening: {
      invoke: {
        src: 'persistStatus',
        input: ({ context }) => ({
          interviewId: context.interviewId,
          status: 'in-progress',
          actor: context.actor,
          position: context.position,
          ...(context.correctionReason ? { reason: context.correctionReason } : {}),
        }),
        onDone: { target: 'active', actions: [{ type: 'setStatus', params: { status: 'in-progress' } }, 'clearSaveError'] },
        onError: { target: 'completed', actions: 'recordSaveError' },
      },
    },
    terminating: {
      invoke: {
        src: 'persistStatus',
        input: ({ context }) => ({
          interviewId: context.interviewId,
          status: 'terminated',
          actor: context.actor,
          position: context.position,
          reason: context.terminationReason ?? undefined,
        }),
        onDone: { target: 'terminated', actions: [{ type: 'setStatus', params: { status: 'terminated' } }, 'clearSaveError'] },
        onError: { target: 'active', actions: 'recordSaveError' },
      },
    },
    terminated: {
      on: { 'interview.reopen': { target: 'reopening', actions: 'setCorrection' } },
    },
  },
});

export type InterviewMachine = typeof interviewMachine;
