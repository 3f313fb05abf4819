// Behaviour every InterviewStore must show, run against each implementation by vitest (Node) and mocha (Chromium).
import { sealEvents } from '../../src/core/storage/audit-chain.js';
import type { AuditDraft } from '../../src/core/storage/audit-chain.js';
import { StorageError } from '../../src/core/storage/types.js';
import type { RawEdits } from './raw-idb.js';
import type { AnswerChange, AnswerRecord, AuditEvent, ClientRecord, InterviewRecord, InterviewStore, ScoreRecord, StoreRecords } from '../../src/core/storage/types.js';

/** The chai-style subset both vitest's `expect` and chai's support. */
interface Assertion {
  to: {
    equal(value: unknown): unknown;
    deep: { equal(value: unknown): unknown };
    be: { true: unknown; false: unknown; undefined: unknown; instanceOf(constructor: any): unknown };
    have: { length(n: number): unknown };
    match(pattern: RegExp): unknown;
    include(value: unknown): unknown;
  };
}

type Hook = () => void | Promise<void>;

/** The test framework's globals, passed in because vitest does not install them. */
export interface TestApi {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: Hook): unknown;
  beforeEach(body: Hook): unknown;
  afterEach(body: Hook): unknown;
  expect(actual: unknown): Assertion;
}

export interface ContractOptions {
  /** Alters the stored audit event at `index` of the interview's log behind the store's back (any field but `hash`). */
  tamper?: (store: InterviewStore, interviewId: string, index: number) => Promise<void>;
  /** Raw edits behind the store's back, for the integrity checks (see tests/contract/raw-idb.ts). */
  raw?: (store: InterviewStore) => Partial<RawEdits>;
  /** The store seals records: a raw edit of a record makes it unreadable rather than different. */
  sealed?: boolean;
}

const OFFSET_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/;
const AT = '2026-01-01T10:00:00.000+01:00';

export const aClient = (id = 'c1'): ClientRecord => ({
  id,
  code: `K-${id}`,
  sex: 'female',
  birthYear: 1980,
  createdAt: AT,
  updatedAt: AT,
});

export const anInterview = (id = 'i1', clientId = 'c1', startedAt = AT): InterviewRecord => ({
  id,
  clientId,
  instrumentId: 'asi',
  instrumentVersion: '1.0.0',
  round: 'grund',
  status: 'in-progress',
  mode: 'interviewer',
  interviewer: 'IV',
  startedAt,
  updatedAt: startedAt,
});

const entered = (itemId: string, value: AnswerChange['value']): AnswerChange => ({ itemId, value, source: 'entered' });

/** The error a promise rejects with; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject, but it resolved');
}

export function runStoreContract(api: TestApi, name: string, makeStore: () => Promise<InterviewStore>, options: ContractOptions = {}): void {
  const { describe, it, beforeEach, afterEach, expect } = api;

  const expectStorageError = (error: unknown, code: StorageError['code']) => {
    expect(error).to.be.instanceOf(StorageError);
    expect((error as StorageError).code).to.equal(code);
    expect((error as StorageError).message.length > 0).to.be.true;
  };

  describe(`InterviewStore contract: ${name}`, () => {
    let store: InterviewStore;
    const snapshotOf = async (id: string) => ({
      interview: await store.getInterview(id),
      answers: await store.getAnswers(id),
      audit: await store.getAuditLog(id),
    });

    beforeEach(async () => {
      store = await makeStore();
      await store.putClient(aClient('c1'));
      await store.createInterview(anInterview('i1'));
    });
    afterEach(() => store.close());

    describe('clients', () => {
      it('puts, gets, updates and lists clients', async () => {
        await store.putClient(aClient('c2'));
        expect(await store.getClient('c2')).to.deep.equal(aClient('c2'));
        await store.putClient({ ...aClient('c2'), sex: 'male', updatedAt: '2026-02-01T09:00:00.000+01:00' });
        expect((await store.getClient('c2'))?.sex).to.equal('male');
        expect((await store.listClients()).map((c) => c.id).sort()).to.deep.equal(['c1', 'c2']);
        expect(await store.getClient('nobody')).to.be.undefined;
      });
    });

    describe('interviews', () => {
      it('creates and gets an interview', async () => {
        expect(await store.getInterview('i1')).to.deep.equal(anInterview('i1'));
        expect(await store.getInterview('nope')).to.be.undefined;
      });

      it('lists interviews newest first, optionally for one client', async () => {
        await store.putClient(aClient('c2'));
        await store.createInterview(anInterview('i2', 'c1', '2026-03-01T10:00:00.000+01:00'));
        // Earlier instant despite the larger clock time: ordering must compare instants, not strings.
        await store.createInterview(anInterview('i3', 'c1', '2026-02-01T11:00:00.000+05:00'));
        await store.createInterview(anInterview('i4', 'c2', '2026-04-01T10:00:00.000+02:00'));
        expect((await store.listInterviews({ clientId: 'c1' })).map((i) => i.id)).to.deep.equal(['i2', 'i3', 'i1']);
        expect((await store.listInterviews()).map((i) => i.id)).to.deep.equal(['i4', 'i2', 'i3', 'i1']);
        expect(await store.listInterviews({ clientId: 'nobody' })).to.deep.equal([]);
      });

      it('refuses to create an interview whose id exists', async () => {
        expectStorageError(await rejectionOf(store.createInterview({ ...anInterview('i1'), round: 'other' })), 'invalid');
        expect((await store.getInterview('i1'))?.round).to.equal('grund');
      });
    });

    describe('saveAnswers', () => {
      it('writes answers and one audit event per changed value, with old and new values', async () => {
        await store.saveAnswers('i1', [entered('A1', 3), entered('A2', 'X')], { actor: 'IV', interview: { position: 'A3' } });
        const answers = await store.getAnswers('i1');
        expect(answers.map((a) => [a.itemId, a.value, a.source])).to.deep.equal([
          ['A1', 3, 'entered'],
          ['A2', 'X', 'entered'],
        ]);
        const audit = await store.getAuditLog('i1');
        expect(audit.map((e) => [e.type, e.itemId, e.old, e.new, e.actor])).to.deep.equal([
          ['answer', 'A1', null, 3, 'IV'],
          ['answer', 'A2', null, 'X', 'IV'],
        ]);
        expect(audit[0]?.interviewId).to.equal('i1');
        expect(audit[0]?.prevHash).to.equal('');
        expect(audit[1]?.prevHash).to.equal(audit[0]?.hash);
        expect(audit[0]!.hash).to.match(/^[0-9a-f]{64}$/);
        expect((await store.getInterview('i1'))?.position).to.equal('A3');
      });

      it('writes no audit event for an unchanged value, and records the old value of a changed one', async () => {
        await store.saveAnswers('i1', [entered('A1', 3), entered('A2', 'text')], { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A1', 3), entered('A2', 'new text')], { actor: 'IV2', reason: 'corrected' });
        const audit = await store.getAuditLog('i1');
        expect(audit).to.have.length(3);
        expect(audit[2]).to.include({ itemId: 'A2', old: 'text', new: 'new text', actor: 'IV2', reason: 'corrected' });
        expect((await store.getAnswers('i1')).map((a) => a.value)).to.deep.equal([3, 'new text']);
      });

      it('updates the source of an unchanged value without an audit event', async () => {
        await store.saveAnswers('i1', [{ itemId: 'A1', value: 0, source: 'autofill' }], { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A1', 0)], { actor: 'IV' });
        expect((await store.getAnswers('i1'))[0]?.source).to.equal('entered');
        expect(await store.getAuditLog('i1')).to.have.length(1);
      });

      it('clears an answer with null and audits the removal; clearing a blank writes nothing', async () => {
        await store.saveAnswers('i1', [entered('A1', 3), entered('A2', 4)], { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A1', null), entered('A9', null)], { actor: 'IV' });
        expect((await store.getAnswers('i1')).map((a) => a.itemId)).to.deep.equal(['A2']);
        const audit = await store.getAuditLog('i1');
        expect(audit).to.have.length(3);
        expect(audit[2]).to.include({ itemId: 'A1', old: 3, new: null });
      });

      it('stamps audit events and answers with a local time that carries its UTC offset', async () => {
        await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
        const [event] = await store.getAuditLog('i1');
        expect(event!.at).to.match(OFFSET_TIMESTAMP);
        expect((await store.getAnswers('i1'))[0]!.updatedAt).to.match(OFFSET_TIMESTAMP);
        expect((await store.getInterview('i1'))!.updatedAt).to.match(OFFSET_TIMESTAMP);
      });

      it('keeps the chain intact when saves overlap', async () => {
        await Promise.all([
          store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' }),
          store.saveAnswers('i1', [entered('A2', 2)], { actor: 'IV' }),
          store.saveAnswers('i1', [entered('A1', 5)], { actor: 'IV' }),
        ]);
        expect(await store.getAuditLog('i1')).to.have.length(3);
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
      });

      it('rejects an unknown interview with not-found and writes nothing', async () => {
        const error = await rejectionOf(store.saveAnswers('ghost', [entered('A1', 1)], { actor: 'IV' }));
        expectStorageError(error, 'not-found');
        expect(await store.getAnswers('ghost')).to.deep.equal([]);
        expect(await store.getAuditLog('ghost')).to.deep.equal([]);
        expect(await store.getInterview('ghost')).to.be.undefined;
      });

      it('rejects a value that is not a finite number or a string with invalid, and writes nothing', async () => {
        await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
        const before = await snapshotOf('i1');
        for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, true, { x: 1 }, undefined, [1]]) {
          const changes = [entered('A1', 2), entered('A2', bad as never)];
          const error = await rejectionOf(store.saveAnswers('i1', changes, { actor: 'IV', interview: { position: 'A5' } }));
          expectStorageError(error, 'invalid');
        }
        // Only found when the record is cloned for storage, after the answers have been queued in the transaction.
        const uncloneable = { interview: { snapshot: { resume: () => 'A2' } } };
        expectStorageError(await rejectionOf(store.saveAnswers('i1', [entered('A1', 2)], { actor: 'IV', ...uncloneable })), 'invalid');
        expect(await snapshotOf('i1')).to.deep.equal(before);
      });
    });

    describe('audit log', () => {
      it('verifies an intact chain, and an empty one', async () => {
        await store.saveAnswers('i1', [entered('A1', 1), entered('A2', 2)], { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A1', 7)], { actor: 'IV' });
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
        expect(await store.verifyAuditLog('ghost')).to.deep.equal({ ok: true });
      });

      it('keeps each interview on its own chain', async () => {
        await store.createInterview(anInterview('i2'));
        await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
        await store.saveAnswers('i2', [entered('A1', 1)], { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A1', 2)], { actor: 'IV' });
        expect((await store.getAuditLog('i2'))[0]?.prevHash).to.equal('');
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
        expect(await store.verifyAuditLog('i2')).to.deep.equal({ ok: true });
      });

      if (options.tamper) {
        const tamper = options.tamper;
        it('detects a tampered event at its index', async () => {
          await store.saveAnswers('i1', [entered('A1', 1), entered('A2', 2), entered('A3', 3)], { actor: 'IV' });
          await tamper(store, 'i1', 1);
          expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: false, brokenAt: 1 });
        });
      }
    });

    describe('integrity', () => {
      /** Five events: A1, A2, A1 again, completion, and a correction of A2 after it. */
      const fill = async () => {
        await store.saveAnswers('i1', [entered('A1', 1), entered('A2', 2)], { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A1', 3)], { actor: 'IV' });
        await store.updateInterview('i1', { status: 'completed' }, { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A2', 4)], { actor: 'IV', reason: 'client corrected it' });
      };
      const raw = () => options.raw?.(store) ?? {};

      it('finds an interview intact after answers, a completion and a correction, and an unknown one empty', async () => {
        await fill();
        expect(await store.verifyInterview('i1')).to.deep.equal({ interviewId: 'i1', ok: true, problems: [] });
        expect(await store.verifyInterview('ghost')).to.deep.equal({ interviewId: 'ghost', ok: true, problems: [] });
        // Acknowledging an intact interview writes nothing.
        await store.acknowledgeIntegrity('i1', { actor: 'IV' });
        expect(await store.getAuditLog('i1')).to.have.length(5);
      });

      it('finds an event changed behind its back, names it as the first bad event, and lets a person acknowledge it', async () => {
        if (!raw().tamperEvent) return;
        await fill();
        await raw().tamperEvent!('i1', 1);
        const report = await store.verifyInterview('i1');
        expect(report.ok).to.be.false;
        expect(report.firstBadEvent).to.equal(1);
        if (options.sealed) {
          expect(report.problems[0]!.kind).to.equal('unreadable');
          expectStorageError(await rejectionOf(store.acknowledgeIntegrity('i1', { actor: 'IV' })), 'integrity');
          return;
        }
        expect(report.problems.map((p) => p.kind)).to.deep.equal(['chain']);
        const after = await store.acknowledgeIntegrity('i1', { actor: 'lead', reason: 'seen at the unit meeting' });
        expect(after.ok).to.be.true;
        const log = await store.getAuditLog('i1');
        expect(log.at(-1)!.type).to.equal('integrity');
        expect(log.at(-1)!.actor).to.equal('lead');
        expect(String(log.at(-1)!.old)).to.include('audit event 2');
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
      });

      it('finds a removed last event, and after acknowledgement chains on from what is there', async () => {
        if (!raw().deleteLastEvent) return;
        await fill();
        await raw().deleteLastEvent!('i1');
        const report = await store.verifyInterview('i1');
        expect(report.ok).to.be.false;
        expect(report.firstBadEvent).to.equal(4);
        expect(report.problems.some((p) => p.kind === 'events-missing')).to.be.true;
        expect((await store.acknowledgeIntegrity('i1', { actor: 'lead' })).ok).to.be.true;
        await store.saveAnswers('i1', [entered('A3', 1)], { actor: 'IV', reason: 'after the check' });
        expect((await store.verifyInterview('i1')).ok).to.be.true;
      });

      it('finds a stored answer that differs from its audit trail, and keeps the stored answer when acknowledged', async () => {
        if (!raw().editAnswer) return;
        await fill();
        await raw().editAnswer!('i1', 'A1');
        const report = await store.verifyInterview('i1');
        expect(report.ok).to.be.false;
        if (options.sealed) {
          expect(report.problems[0]!.kind).to.equal('unreadable');
          return;
        }
        expect(report.problems).to.deep.equal([{ kind: 'answer', itemId: 'A1', stored: 99, audited: 3 }]);
        expect((await store.acknowledgeIntegrity('i1', { actor: 'lead' })).ok).to.be.true;
        expect((await store.getAnswers('i1')).find((a) => a.itemId === 'A1')!.value).to.equal(99);
      });

      it('finds answers whose stored records were swapped', async () => {
        if (!raw().swapAnswers) return;
        await fill();
        await raw().swapAnswers!('i1', 'A1', 'A2');
        const report = await store.verifyInterview('i1');
        expect(report.ok).to.be.false;
        expect(report.problems.map((p) => p.kind)).to.deep.equal(options.sealed ? ['unreadable', 'unreadable'] : ['answer', 'answer']);
      });
    });

    describe('copies', () => {
      it('returns copies and keeps copies, so callers cannot change stored records', async () => {
        const client = aClient('c2');
        await store.putClient(client);
        client.code = 'changed after put';
        (await store.getClient('c2'))!.code = 'changed after get';
        expect((await store.getClient('c2'))?.code).to.equal('K-c2');

        (await store.getInterview('i1'))!.status = 'completed';
        (await store.listInterviews())[0]!.round = 'changed';
        expect(await store.getInterview('i1')).to.deep.equal(anInterview('i1'));

        const snapshot = { machine: { step: 1 } };
        await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV', interview: { snapshot } });
        snapshot.machine.step = 99;
        (await store.getAnswers('i1'))[0]!.value = 99;
        (await store.getAuditLog('i1'))[0]!.new = 99;
        expect((await store.getInterview('i1'))?.snapshot).to.deep.equal({ machine: { step: 1 } });
        expect((await store.getAnswers('i1'))[0]?.value).to.equal(1);
        expect((await store.getAuditLog('i1'))[0]?.new).to.equal(1);
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
      });
    });

    describe('updateInterview', () => {
      it('appends a status event on a status change and returns the updated record', async () => {
        const updated = await store.updateInterview('i1', { status: 'paused', position: 'B2' }, { actor: 'IV', reason: 'client tired' });
        expect(updated).to.include({ id: 'i1', status: 'paused', position: 'B2' });
        expect(updated.updatedAt).to.match(OFFSET_TIMESTAMP);
        expect(await store.getInterview('i1')).to.deep.equal(updated);
        const [event] = await store.getAuditLog('i1');
        expect(event).to.include({ type: 'status', itemId: null, old: 'in-progress', new: 'paused', actor: 'IV', reason: 'client tired' });
      });

      it('appends nothing when the status does not change, and chains status and answer events together', async () => {
        await store.updateInterview('i1', { position: 'A2' }, { actor: 'IV' });
        await store.updateInterview('i1', { status: 'in-progress' }, { actor: 'IV' });
        expect(await store.getAuditLog('i1')).to.have.length(0);
        await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
        await store.updateInterview('i1', { status: 'completed', completedAt: AT }, { actor: 'IV' });
        await store.saveAnswers('i1', [entered('A1', 2)], { actor: 'IV', reason: 'client corrected' });
        expect((await store.getAuditLog('i1')).map((e) => e.type)).to.deep.equal(['answer', 'status', 'answer']);
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
      });

      it('rejects an unknown interview with not-found, and fields that identify the interview with invalid', async () => {
        expectStorageError(await rejectionOf(store.updateInterview('ghost', { status: 'paused' }, { actor: 'IV' })), 'not-found');
        const patch = { instrumentVersion: '2.0.0' } as never;
        expectStorageError(await rejectionOf(store.updateInterview('i1', patch, { actor: 'IV' })), 'invalid');
        expect(await store.getInterview('i1')).to.deep.equal(anInterview('i1'));
      });
    });

    describe('scores', () => {
      const score = (scoreId: string, value: number | null): ScoreRecord => ({
        interviewId: 'i1',
        scoreId,
        value,
        provenance: {
          algorithm: { id: 'asi-composite', version: '1' },
          instrument: { id: 'asi', version: '1.0.0' },
          inputs: { A1: 1, A2: null },
          missing: value === null ? ['A2'] : [],
        },
        computedAt: AT,
      });

      it('puts and gets scores, replacing a recomputed one', async () => {
        await store.putScores('i1', [score('MED', 0.5), score('PSY', null)]);
        await store.putScores('i1', [score('MED', 0.25)]);
        expect(await store.getScores('i1')).to.deep.equal([score('MED', 0.25), score('PSY', null)]);
        expect(await store.getScores('ghost')).to.deep.equal([]);
      });

      it('rejects scores for an unknown interview or for another interview', async () => {
        expectStorageError(await rejectionOf(store.putScores('ghost', [{ ...score('MED', 1), interviewId: 'ghost' }])), 'not-found');
        expectStorageError(await rejectionOf(store.putScores('i1', [{ ...score('MED', 1), interviewId: 'other' }])), 'invalid');
        expect(await store.getScores('i1')).to.deep.equal([]);
      });
    });

    describe('importRecords', () => {
      const answer = (interviewId: string, itemId: string, value: AnswerRecord['value']): AnswerRecord => ({
        interviewId,
        itemId,
        value,
        source: 'entered',
        updatedAt: AT,
      });
      const draft = (interviewId: string, itemId: string, value: number): AuditDraft => ({
        interviewId,
        type: 'answer',
        itemId,
        old: null,
        new: value,
        at: AT,
        actor: 'IV',
      });
      const score = (interviewId: string, scoreId: string, value: number | null): ScoreRecord => ({
        interviewId,
        scoreId,
        value,
        provenance: {
          algorithm: { id: 'demo', version: '1' },
          instrument: { id: 'asi', version: '1.0.0' },
          inputs: { A1: 1 },
          missing: [],
        },
        computedAt: AT,
      });
      const none = (): StoreRecords => ({ clients: [], interviews: [], answers: [], audit: [], scores: [] });
      /** A new client with one interview, two answers, their audit events and a score. */
      const newInterview = async (clientId = 'c9', interviewId = 'i9'): Promise<StoreRecords> => ({
        clients: [aClient(clientId)],
        interviews: [anInterview(interviewId, clientId)],
        answers: [answer(interviewId, 'A1', 1), answer(interviewId, 'A2', 'X')],
        audit: await sealEvents([draft(interviewId, 'A1', 1), draft(interviewId, 'A2', 2)], ''),
        scores: [score(interviewId, 'MED', 0.5)],
      });
      /** Everything the store holds, through the public API. */
      const everything = async () => {
        const interviews = await store.listInterviews();
        return {
          clients: await store.listClients(),
          interviews,
          details: await Promise.all(
            interviews.map(async (i) => ({
              answers: await store.getAnswers(i.id),
              audit: await store.getAuditLog(i.id),
              scores: await store.getScores(i.id),
            })),
          ),
        };
      };
      const expectRejectedUnchanged = async (records: StoreRecords, mode?: 'add' | 'replace') => {
        const before = await everything();
        const error = await rejectionOf(store.importRecords(records, mode ? { mode } : undefined));
        expectStorageError(error, 'invalid');
        expect(await everything()).to.deep.equal(before);
        return error as StorageError;
      };

      it('imports clients, interviews, answers, audit events and scores, keeping the events’ hashes', async () => {
        const records = await newInterview();
        await store.importRecords(records);
        expect(await store.getClient('c9')).to.deep.equal(aClient('c9'));
        expect(await store.getInterview('i9')).to.deep.equal(anInterview('i9', 'c9'));
        expect(await store.getAnswers('i9')).to.deep.equal(records.answers);
        const audit = await store.getAuditLog('i9');
        expect(audit.map((e) => e.hash)).to.deep.equal(records.audit.map((e) => e.hash));
        expect(audit.every((e) => typeof e.seq === 'number')).to.be.true;
        expect(await store.verifyAuditLog('i9')).to.deep.equal({ ok: true });
        expect(await store.getScores('i9')).to.deep.equal(records.scores);
        // The imported interview goes on like any other.
        await store.saveAnswers('i9', [entered('A1', 2)], { actor: 'IV' });
        expect(await store.verifyAuditLog('i9')).to.deep.equal({ ok: true });
      });

      it('appends imported events after the stored ones, with new seqs, in their original order', async () => {
        await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
        const stored = await store.getAuditLog('i1');
        const i9 = await newInterview();
        const more = await sealEvents([draft('i1', 'A2', 2), draft('i1', 'A3', 3)], stored[0]!.hash);
        // Interleaved across interviews, and carrying another store's seqs, which must not be kept.
        const audit = [{ ...more[0]!, seq: 1 }, i9.audit[0]!, more[1]!, i9.audit[1]!];
        await store.importRecords({ ...i9, audit, answers: [...i9.answers, answer('i1', 'A2', 2)] });
        const log = await store.getAuditLog('i1');
        expect(log.map((e) => e.hash)).to.deep.equal([stored[0]!.hash, more[0]!.hash, more[1]!.hash]);
        const seqs = [...log, ...(await store.getAuditLog('i9'))].map((e) => e.seq!);
        expect(new Set(seqs).size).to.equal(5);
        expect(log[0]!.seq! < log[1]!.seq! && log[1]!.seq! < log[2]!.seq!).to.be.true;
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
        expect(await store.verifyAuditLog('i9')).to.deep.equal({ ok: true });
      });

      it('writes nothing when a late record fails: a key that is already stored', async () => {
        await store.putScores('i1', [score('i1', 'MED', 0.1)]);
        const records = await newInterview();
        // Written last, after the new client, interview, answers and events have gone through.
        records.scores.push(score('i1', 'MED', 0.9));
        const error = await expectRejectedUnchanged(records);
        expect(error.message).to.match(/MED/);
      });

      it('writes nothing when a key is repeated in the same import', async () => {
        const records = await newInterview();
        records.answers.push(answer('i9', 'A1', 5));
        await expectRejectedUnchanged(records);
        await expectRejectedUnchanged({ ...(await newInterview()), clients: [aClient('c9'), aClient('c9')] }, 'replace');
      });

      it('writes nothing for a client or interview that already exists in add mode', async () => {
        await expectRejectedUnchanged({ ...none(), clients: [aClient('c9'), aClient('c1')] });
        await expectRejectedUnchanged({ ...none(), interviews: [anInterview('i1')] });
      });

      it('writes nothing for records that refer to a client or interview neither stored nor imported', async () => {
        await expectRejectedUnchanged({ ...none(), interviews: [anInterview('i9', 'ghost')] });
        await expectRejectedUnchanged({ ...none(), answers: [answer('ghost', 'A1', 1)] });
        await expectRejectedUnchanged({ ...none(), scores: [score('ghost', 'MED', 1)] });
        const events = await sealEvents([draft('ghost', 'A1', 1)], '');
        await expectRejectedUnchanged({ ...none(), audit: events });
      });

      it('writes nothing when imported events do not continue the stored chain', async () => {
        await store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' });
        // Chained from the start, as if the stored event were not there: a fork.
        const forked = await sealEvents([draft('i1', 'A2', 2)], '');
        await expectRejectedUnchanged({ ...none(), audit: forked });
        // Linked to each other out of order.
        const [first, second] = (await newInterview()).audit as [AuditEvent, AuditEvent];
        await expectRejectedUnchanged({ ...(await newInterview()), audit: [second, first] });
      });

      it('writes nothing when a record cannot be stored', async () => {
        const records = await newInterview();
        records.interviews[0]!.snapshot = { resume: () => 'A1' };
        const before = await everything();
        expectStorageError(await rejectionOf(store.importRecords(records)), 'invalid');
        expect(await everything()).to.deep.equal(before);
      });

      it('replaces clients and interviews as a whole in replace mode, and only appends to the audit log', async () => {
        await store.saveAnswers('i1', [entered('A1', 1), entered('A2', 2)], { actor: 'IV' });
        await store.putScores('i1', [score('i1', 'MED', 0.1), score('i1', 'PSY', 0.2)]);
        const stored = await store.getAuditLog('i1');
        const tail = await sealEvents([draft('i1', 'A3', 3)], stored.at(-1)!.hash);
        const interview = { ...anInterview('i1'), status: 'completed' as const, completedAt: AT };
        await store.importRecords(
          {
            clients: [{ ...aClient('c1'), code: 'NEW' }],
            interviews: [interview],
            answers: [answer('i1', 'A1', 1), answer('i1', 'A3', 3)],
            audit: tail,
            scores: [score('i1', 'MED', 0.7)],
          },
          { mode: 'replace' },
        );
        expect((await store.getClient('c1'))?.code).to.equal('NEW');
        expect(await store.getInterview('i1')).to.deep.equal(interview);
        expect((await store.getAnswers('i1')).map((a) => a.itemId)).to.deep.equal(['A1', 'A3']);
        expect(await store.getScores('i1')).to.deep.equal([score('i1', 'MED', 0.7)]);
        expect((await store.getAuditLog('i1')).map((e) => e.hash)).to.deep.equal([...stored.map((e) => e.hash), tail[0]!.hash]);
        expect(await store.verifyAuditLog('i1')).to.deep.equal({ ok: true });
      });

      it('exports every record, when it offers exportRecords', async () => {
        if (!store.exportRecords) return;
        const records = await newInterview();
        await store.importRecords(records);
        const all = await store.exportRecords();
        expect(all.clients.map((c) => c.id).sort()).to.deep.equal(['c1', 'c9']);
        expect(all.interviews.map((i) => i.id).sort()).to.deep.equal(['i1', 'i9']);
        expect(all.answers).to.deep.equal(records.answers);
        expect(all.audit.map((e) => e.hash)).to.deep.equal(records.audit.map((e) => e.hash));
        expect(all.scores).to.deep.equal(records.scores);
      });
    });

    describe('close', () => {
      it('rejects operations after close with closed', async () => {
        store.close();
        expectStorageError(await rejectionOf(store.getInterview('i1')), 'closed');
        expectStorageError(await rejectionOf(store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' })), 'closed');
      });
    });
  });
}
