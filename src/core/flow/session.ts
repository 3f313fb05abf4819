// Wires the interview machine to a store: start an interview, open one (resume), save snapshots as the interviewer moves.
import { createActor, fromPromise, type ActorRefFrom } from 'xstate';
import type { CompiledInstrument } from '../definition/compiled.js';
import { scoreRecords } from '../scoring/composite.js';
import type { AdministrationMode, AnswerRecord, ClientRecord, InterviewRecord, InterviewStore } from '../storage/types.js';
import type { AnswerLookup } from '../definition/values.js';
import { nowWithOffset } from '../storage/audit-chain.js';
import { interviewMachine, type EarlierRound, type InterviewInput, type PersistAnswersInput, type PersistStatusInput } from './machine.js';
import { restoreSnapshot, trimSnapshot } from './persistence.js';
import { answerMapFromRecords, planInterview } from './plan.js';

export type InterviewActor = ActorRefFrom<typeof interviewMachine>;

export interface StartInterviewOptions {
  store: InterviewStore;
  instrument: CompiledInstrument;
  client: ClientRecord;
  round: string;
  mode?: AdministrationMode;
  interviewer?: string;
  now?: () => Date;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** Creates the interview record for a new round of an instrument for a client. */
export async function startInterview(options: StartInterviewOptions): Promise<InterviewRecord> {
  const { store, instrument, client, round } = options;
  if (!instrument.round(round)) {
    throw new Error(`Instrument "${instrument.id}" has no round "${round}" (rounds: ${instrument.def.rounds.map((r) => r.id).join(', ')})`);
  }
  const at = nowWithOffset((options.now ?? (() => new Date()))());
  const record: InterviewRecord = {
    id: newId(),
    clientId: client.id,
    instrumentId: instrument.id,
    instrumentVersion: instrument.version,
    round,
    status: 'in-progress',
    mode: options.mode ?? 'interviewer',
    ...(options.interviewer ? { interviewer: options.interviewer } : {}),
    startedAt: at,
    updatedAt: at,
  };
  await store.createInterview(record);
  return record;
}

export interface OpenInterviewOptions {
  store: InterviewStore;
  instrument: CompiledInstrument;
  interview: InterviewRecord;
  /** Who records answers (for the audit trail); defaults to the interview's interviewer or "interviewer". */
  actor?: string;
  earlier?: EarlierRound[];
  now?: () => Date;
}

export interface InterviewSession {
  actor: InterviewActor;
  interview: InterviewRecord;
  /** Whether the persisted snapshot was used (false: the position was rebuilt from the answers). */
  restoredFromSnapshot: boolean;
  /** Resolves when the last snapshot write has finished. */
  settled(): Promise<void>;
  stop(): void;
}

/** Loads the answers and opens a running actor on them; the store is the machine's only effect. */
export async function openInterview(options: OpenInterviewOptions): Promise<InterviewSession> {
  const { store, instrument, interview } = options;
  if (interview.instrumentId !== instrument.id || interview.instrumentVersion !== instrument.version) {
    throw new Error(
      `Interview ${interview.id} was taken with ${interview.instrumentId}@${interview.instrumentVersion}; ` +
        `it must be resumed on that version, not ${instrument.id}@${instrument.version}`,
    );
  }
  const now = options.now ?? (() => new Date());
  const answers = answerMapFromRecords(await store.getAnswers(interview.id));
  const actorName = options.actor ?? interview.interviewer ?? 'interviewer';
  const input: InterviewInput = {
    instrument,
    round: interview.round,
    interviewId: interview.id,
    actor: actorName,
    answers,
    position: interview.position ?? null,
    status: interview.status,
    ...(options.earlier ? { earlier: options.earlier } : {}),
  };

  // Snapshot writes are a convenience for resuming in the same state; answers never depend on them, so they are
  // serialised, latest-wins, and a failure is only reported through the next answer write.
  let lastKey = JSON.stringify(interview.snapshot ?? null);
  const planFromStore = (records: AnswerRecord[]) => planInterview(instrument, interview.round, answerMapFromRecords(records));
  const storeScores = (interviewId: string, lookup: AnswerLookup) =>
    store.putScores(interviewId, scoreRecords(instrument, interview.round, lookup, interviewId, nowWithOffset(now())));
  const machine = interviewMachine.provide({
    actors: {
      persistAnswers: fromPromise<void, PersistAnswersInput>(async ({ input: i }) => {
        await store.saveAnswers(i.interviewId, i.changes, {
          actor: i.actor,
          ...(i.reason ? { reason: i.reason } : {}),
          interview: i.interview,
        });
        // The answer's transaction already stored the snapshot the machine is about to reach: no second write.
        lastKey = JSON.stringify(i.interview.snapshot ?? null);
        // A correction after completion changes the results: recompute the scores now, not only at the next completion.
        if (i.reason !== undefined) await storeScores(i.interviewId, planFromStore(await store.getAnswers(i.interviewId)).lookup);
      }),
      persistStatus: fromPromise<void, PersistStatusInput>(async ({ input: i }) => {
        const at = nowWithOffset(now());
        if (i.plan) await storeScores(i.interviewId, i.plan.lookup);
        await store.updateInterview(
          i.interviewId,
          {
            status: i.status,
            ...(i.position ? { position: i.position } : {}),
            ...(i.status === 'completed' ? { completedAt: at } : {}),
            ...(i.status === 'terminated' ? { terminatedAt: at, terminationReason: i.reason ?? '' } : {}),
          },
          { actor: i.actor, ...(i.reason ? { reason: i.reason } : {}) },
        );
      }),
    },
  });

  const restored = restoreSnapshot(interview.snapshot, input);
  const actor = createActor(machine, restored ? { snapshot: restored, input } : { input });
  let queued: unknown = undefined;
  let writing: Promise<void> = Promise.resolve();
  const subscription = actor.subscribe((snapshot) => {
    const trimmed = trimSnapshot(snapshot);
    if (!trimmed) return;
    const key = JSON.stringify(trimmed);
    if (key === lastKey) return;
    lastKey = key;
    const first = queued === undefined;
    queued = trimmed;
    if (!first) return;
    writing = writing.then(async () => {
      const snap = queued as ReturnType<typeof trimSnapshot>;
      queued = undefined;
      try {
        await store.updateInterview(interview.id, { snapshot: snap, ...(snap?.position ? { position: snap.position } : {}) }, { actor: actorName });
      } catch {
        /* answers are saved on their own; a lost snapshot only means resuming by rebuilding the position */
      }
    });
  });
  actor.start();

  return {
    actor,
    interview,
    restoredFromSnapshot: restored !== null,
    settled: () => writing,
    stop() {
      subscription.unsubscribe();
      actor.stop();
    },
  };
}
