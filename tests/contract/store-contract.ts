// Behaviour every InterviewStore must show, run against each implementation by vitest (Node) and mocha (Chromium).
import { StorageError } from '../../src/core/storage/types.js';
import type { AnswerChange, ClientRecord, InterviewRecord, InterviewStore, ScoreRecord } from '../../src/core/storage/types.js';

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

    describe('close', () => {
      it('rejects operations after close with closed', async () => {
        store.close();
        expectStorageError(await rejectionOf(store.getInterview('i1')), 'closed');
        expectStorageError(await rejectionOf(store.saveAnswers('i1', [entered('A1', 1)], { actor: 'IV' })), 'closed');
      });
    });
  });
}
