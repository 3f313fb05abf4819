// An interview resumes on the instrument version it was taken with, also after a newer version is installed.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { builtinDefinition } from '../../src/core/definition/builtin.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { ClientRecord } from '../../src/core/storage/types.js';
import type { AsiErrorDetail, AsiInterview } from '../../src/elements/interview/asi-interview.js';
import { DEMO_ANSWERS, answer, position, ready } from './interview-helpers.js';

const client: ClientRecord = { id: 'c1', code: 'K-1', sex: 'male', createdAt: '2026-01-01T10:00:00.000+01:00', updatedAt: '2026-01-01T10:00:00.000+01:00' };

/** The demo as a v2 would ship it: a new version number and one more question at the start of the first section. */
async function demoV2(): Promise<Record<string, unknown>> {
  const v1 = structuredClone((await builtinDefinition('demo')) as { version: string; sections: { items: unknown[] }[] });
  v1.sections[0]!.items.unshift({ id: 'NEW_V2', kind: 'yesno', text: { sv: 'En ny fråga i version 2?', en: 'A new question in version 2?' } });
  return { ...v1, version: '2.0.0' };
}

describe('instrument versions', () => {
  it('resumes a v1 interview on v1 although the host now gives v2, and starts new interviews on v2', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const first = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="intake" .client=${client} .store=${store}></asi-interview>`);
    await ready(first);
    await answer(first, DEMO_ANSWERS[position(first)!]!);
    await first.settled();
    const id = first.interviewId;
    const at = position(first);
    first.remove();

    const v2 = await demoV2();
    const resumed = await fixture<AsiInterview>(html`<asi-interview interview-id=${id} .instrument=${v2} .store=${store}></asi-interview>`);
    await ready(resumed);
    expect(position(resumed)).to.equal(at);
    // No v2 question in a v1 interview.
    expect(resumed.actor!.getSnapshot().context.plan.asked).not.to.include('NEW_V2');
    await answer(resumed, DEMO_ANSWERS[position(resumed)!]!);
    expect((await store.getInterview(id))!.instrumentVersion).to.equal('1.0.0');
    resumed.remove();

    const fresh = await fixture<AsiInterview>(html`<asi-interview round="intake" .instrument=${v2} .client=${client} .store=${store}></asi-interview>`);
    await ready(fresh);
    expect(position(fresh)).to.equal('NEW_V2');
    expect((await store.getInterview(fresh.interviewId))!.instrumentVersion).to.equal('2.0.0');
  });

  it('refuses, naming both versions, to resume an interview on a version this app does not have', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    await store.createInterview({ id: 'old', clientId: 'c1', instrumentId: 'demo', instrumentVersion: '0.9.0', round: 'intake', status: 'in-progress', mode: 'interviewer', startedAt: '2025-01-01T10:00:00.000+01:00', updatedAt: '2025-01-01T10:00:00.000+01:00' });
    let error: AsiErrorDetail | undefined;
    const el = await fixture<AsiInterview>(html`<asi-interview interview-id="old" .store=${store} @asi-error=${(e: CustomEvent<AsiErrorDetail>) => (error = e.detail)}></asi-interview>`);
    await waitUntil(() => error, 'no error');
    expect(error!.problems![0]!.message).to.contain('taken with demo@0.9.0, which this app does not have (it has demo@1.0.0)');
    expect(el.actor).to.equal(undefined);
    expect(await store.getAuditLog('old')).to.have.length(0);
  });
});
