// Corrections after completion: reopening needs a reason, every change carries it, and the scores follow the answers.
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { builtinDefinition, loadInstrument, parseAnswer } from '../../src/core/definition/index.js';
import { openInterview, startInterview } from '../../src/core/flow/index.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import { DEMO_ANSWERS } from '../fixtures/demo-answers.js';

describe('correcting a completed interview', () => {
  it('recomputes the scores on each corrected answer and records the reason in the audit log', async () => {
    const instrument = loadInstrument(await builtinDefinition('demo'));
    const store = createMemoryStore();
    const client = { id: 'c', code: 'K', sex: 'female' as const, createdAt: '', updatedAt: '' };
    await store.putClient(client);
    const record = await startInterview({ store, instrument, client, round: 'intake' });
    const session = await openInterview({ store, instrument, interview: record });
    const { actor } = session;
    while (actor.getSnapshot().context.position) {
      const id = actor.getSnapshot().context.position!;
      const parsed = parseAnswer(instrument, instrument.item(id)!, DEMO_ANSWERS[id]!);
      if (!parsed.ok) throw new Error(id);
      actor.send({ type: 'answer.set', value: parsed.value });
      await waitFor(actor, (s) => s.matches({ active: 'answering' }) && s.context.position !== id);
    }
    actor.send({ type: 'interview.complete' });
    await waitFor(actor, (s) => s.matches('completed'));
    const health = async () => (await store.getScores(record.id)).find((s) => s.scoreId === 'HEALTH')!.value;
    expect(await health()).toBeCloseTo(3 / 90 + 1 / 12 + 2 / 12, 12);

    actor.send({ type: 'interview.reopen', reason: 'Client corrected the number of days' });
    await waitFor(actor, (s) => s.matches({ active: 'answering' }));
    actor.send({ type: 'nav.goto', itemId: 'H_DAYS' });
    actor.send({ type: 'answer.set', value: 12 });
    await waitFor(actor, (s) => s.matches({ active: 'answering' }) && s.context.position !== 'H_DAYS');
    // Recomputed straight away, before the interview is completed again.
    expect(await health()).toBeCloseTo(12 / 90 + 1 / 12 + 2 / 12, 12);
    const audit = await store.getAuditLog(record.id);
    const change = audit.find((e) => e.itemId === 'H_DAYS' && e.new === 12)!;
    expect(change).toMatchObject({ old: 3, reason: 'Client corrected the number of days' });
    expect(audit.some((e) => e.type === 'status' && e.new === 'in-progress' && e.reason === 'Client corrected the number of days')).toBe(true);
    expect(await store.verifyAuditLog(record.id)).toEqual({ ok: true });
    session.stop();
  });
});
