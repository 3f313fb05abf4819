// <asi-comparison> in Chromium: two rounds of one client, differences, plain-word direction, RCI, missing scores.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import '../../src/elements/define-evaluation.js';
import { builtinDefinition, loadInstrument } from '../../src/core/definition/index.js';
import { planInterview, startInterview } from '../../src/core/flow/index.js';
import { computeScores } from '../../src/core/scoring/composite.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { ClientRecord, InterviewStore } from '../../src/core/storage/types.js';
import type { AsiComparison } from '../../src/elements/comparison/asi-comparison.js';

const client: ClientRecord = { id: 'c1', code: 'K-1', sex: 'female', birthYear: 1980, createdAt: '2026-01-01T00:00:00+01:00', updatedAt: '2026-01-01T00:00:00+01:00' };

/** A completed demo round with these answers and its scores, as the runner would have stored it. */
async function completedRound(store: InterviewStore, round: string, date: string, answers: Record<string, number | string>): Promise<string> {
  const instrument = loadInstrument(await builtinDefinition('demo'));
  const record = await startInterview({ store, instrument, client, round, now: () => new Date(`${date}T10:00:00+01:00`) });
  await store.saveAnswers(record.id, Object.entries(answers).map(([itemId, value]) => ({ itemId, value, source: 'entered' as const })), { actor: 't' });
  const map = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, { value: v, source: 'entered' as const }]));
  const scores = computeScores(instrument, round, planInterview(instrument, round, map).lookup);
  await store.putScores(record.id, scores.map((s) => ({ interviewId: record.id, ...s, computedAt: `${date}T11:00:00+01:00` })));
  await store.updateInterview(record.id, { status: 'completed' }, { actor: 't' });
  return record.id;
}

describe('<asi-comparison>', () => {
  it('shows each measure per round with difference, direction and RCI, and says why a change is not computable', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const intake = await completedRound(store, 'intake', '2026-03-14', { H_DAYS: 9, H_TROUBLED: 3, H_IMPORTANT: 3, H_SEVERITY: 6, W_LICENCE: 1, W_CAR: 1, W_DAYS: 0, W_INCOME: 0, H_CHRONIC: 1 });
    const follow = await completedRound(store, 'follow-up', '2026-09-14', { H_DAYS: 0, H_TROUBLED: 0, H_IMPORTANT: 3, H_SEVERITY: 2, W_LICENCE: 1, W_CAR: 1, W_DAYS: 0, W_INCOME: 'X', H_CHRONIC: 0 });
    const el = await fixture<AsiComparison>(
      html`<asi-comparison lang="en" .store=${store} .overrides=${{ HEALTH: { sd: 0.2, reliability: 0.8 } }} .interviewIds=${[intake, follow]}></asi-comparison>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'), 'comparison not rendered');
    const rows = [...el.shadowRoot!.querySelectorAll('table:first-of-type tbody tr')].map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    // HEALTH 0.6 → 0.25: −0.35; RCI = −0.35 / (√2 · 0.2 · √0.2) = −2.767 → reliable, better.
    const rci = -0.35 / (Math.SQRT2 * 0.2 * Math.sqrt(0.2));
    expect(rows[0]).to.contain('Physical health').and.contain('0.600').and.contain('0.250').and.contain('-0.350').and.contain('better');
    expect(rows[0]).to.contain(`${rci.toFixed(2)} · reliable change`);
    // H_SEVERITY 6 → 2: a rating, no RCI.
    expect(rows[1]).to.contain('H_SEVERITY').and.contain('-4').and.contain('better').and.contain('not used for ratings');
    // WORK: income X at follow-up → not computable, with the reason; no reliability in the definition → not configured.
    expect(rows[2]).to.contain('not computable: the last round has no value');
    const changedRows = [...el.shadowRoot!.querySelectorAll('table:last-of-type tbody tr')];
    const changed = changedRows.map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    const changedIds = changedRows.map((r) => r.querySelector('th')!.textContent);
    // Ranked by change relative to each item's range: yes→no (1/1) before 3→0 on 0–4 (3/4) before 9→0 days (9/30).
    expect(changedIds.slice(0, 3)).to.deep.equal(['H_CHRONIC', 'H_TROUBLED', 'H_SEVERITY']);
    expect(changed.find((r) => r.startsWith('H_DAYS'))).to.contain('9 days').and.contain('0 days');
    await expect(el).to.be.accessible();
  });

  it('refuses rounds of different clients with a clear message', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const a = await completedRound(store, 'intake', '2026-03-14', { H_DAYS: 1 });
    const el = await fixture<AsiComparison>(html`<asi-comparison lang="en" .store=${store} .interviewIds=${[a, 'nope']}></asi-comparison>`);
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('No interview nope in this store');
  });
});
