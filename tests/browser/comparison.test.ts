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

/** A completed round of any built-in instrument for `who`, with its scores, as the runner would have stored it. */
async function completedRoundOf(
  store: InterviewStore,
  instrumentId: string,
  who: ClientRecord,
  round: string,
  date: string,
  answers: Record<string, number | string>,
): Promise<string> {
  const instrument = loadInstrument(await builtinDefinition(instrumentId));
  const record = await startInterview({ store, instrument, client: who, round, now: () => new Date(`${date}T10:00:00+01:00`) });
  await store.saveAnswers(record.id, Object.entries(answers).map(([itemId, value]) => ({ itemId, value, source: 'entered' as const })), { actor: 't' });
  const map = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, { value: v, source: 'entered' as const }]));
  const scores = computeScores(instrument, round, planInterview(instrument, round, map).lookup);
  await store.putScores(record.id, scores.map((s) => ({ interviewId: record.id, ...s, computedAt: `${date}T11:00:00+01:00` })));
  await store.updateInterview(record.id, { status: 'completed' }, { actor: 't' });
  return record.id;
}

const auditAnswers = (points: number[]) => Object.fromEntries(points.map((p, i) => [`AUDIT${i + 1}`, p]));
const rowsOf = (el: AsiComparison) => [...el.shadowRoot!.querySelectorAll('table:first-of-type tbody tr')];
const cells = (row: Element) => [...row.querySelectorAll('th, td')].map((c) => c.textContent!.replace(/\s+/g, ' ').trim());

describe('<asi-comparison> with cut-offs and several ratings per area', () => {
  const man: ClientRecord = { ...client, id: 'm1', code: 'K-2', sex: 'male' };
  const unknown: ClientRecord = { ...client, id: 'u1', code: 'K-3', sex: 'unknown' };

  it('AUDIT for a man: points on 0–40 and, per round, the cut-offs it falls in or that it is below them', async () => {
    const store = createMemoryStore();
    await store.putClient(man);
    // 9 points (AUDIT-C 5), then 7 points (AUDIT-C 4).
    const first = await completedRoundOf(store, 'audit', man, 'screening', '2026-03-14', auditAnswers([2, 2, 1, 1, 1, 0, 0, 0, 2, 0]));
    const second = await completedRoundOf(store, 'audit', man, 'screening', '2026-09-14', auditAnswers([2, 1, 1, 1, 0, 0, 0, 0, 2, 0]));
    const el = await fixture<AsiComparison>(html`<asi-comparison lang="en" .store=${store} .interviewIds=${[first, second]}></asi-comparison>`);
    await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'), 'comparison not rendered');
    const [total, consumption] = rowsOf(el).map(cells);
    expect(total).to.deep.equal([
      'Alcohol',
      'AUDIT total score (0–40)',
      '9 Risky use (men: 8 points or more) WHO zone 8–15: simple advice',
      '7 below the cut-off (8 or more)',
      '-2',
      'better',
      'not configured (SD or reliability missing)',
    ]);
    expect(consumption!.slice(0, 4)).to.deep.equal([
      'AUDIT-C consumption score (0–12)',
      '5 Positive AUDIT-C (men: 4 points or more)',
      '4 Positive AUDIT-C (men: 4 points or more)',
      '-1',
    ]);
    // Bars on 0–40 and 0–12, not 0–1: 9/40 and 7/40 of 400 px; 5/12 and 4/12.
    const widths = [...el.shadowRoot!.querySelectorAll('svg rect')].map((r) => Number(r.getAttribute('width')));
    [90, 70, (5 / 12) * 400, (4 / 12) * 400].forEach((w, i) => expect(widths[i]).to.be.closeTo(w, 1e-9));
    const labels = [...el.shadowRoot!.querySelectorAll('svg text.value')].map((t) => t.textContent);
    expect(labels).to.include('9 / 40').and.include('4 / 12');
    await expect(el).to.be.accessible();
  });

  it('with the client’s sex unknown: says once that the sex-specific cut-offs cannot be applied', async () => {
    const store = createMemoryStore();
    await store.putClient(unknown);
    const first = await completedRoundOf(store, 'audit', unknown, 'screening', '2026-03-14', auditAnswers([2, 2, 1, 1, 1, 0, 0, 0, 2, 0]));
    const second = await completedRoundOf(store, 'audit', unknown, 'screening', '2026-09-14', auditAnswers([2, 1, 1, 1, 0, 0, 0, 0, 2, 0]));
    const el = await fixture<AsiComparison>(html`<asi-comparison lang="sv" .store=${store} .interviewIds=${[first, second]}></asi-comparison>`);
    await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'), 'comparison not rendered');
    const total = cells(rowsOf(el)[0]!);
    expect(total[1]).to.equal('AUDIT totalpoäng (0–40) Kön okänt: de könsspecifika gränsvärdena kan inte tillämpas');
    expect(total[2]).to.equal('9 WHO-zon 8–15: enkla råd');
    expect(total[3]).to.equal('7 under de gränsvärden som gäller oavsett kön (8 eller mer)');
    expect(el.shadowRoot!.textContent!.match(/Kön okänt/g)).to.have.length(2); // once for AUDIT, once for AUDIT-C
  });

  it('ADAD: compares all three ratings of each area, each on its own scale', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const first = await completedRoundOf(store, 'adad', client, 'intake', '2026-03-14', { P_WORRY: 3, P_HELP: 2, P_SEV: 6 });
    const second = await completedRoundOf(store, 'adad', client, 'follow-up', '2026-09-14', { P_WORRY: 1, P_HELP: 2, P_SEV: 3 });
    const el = await fixture<AsiComparison>(html`<asi-comparison lang="en" .store=${store} .interviewIds=${[first, second]}></asi-comparison>`);
    await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'), 'comparison not rendered');
    const rows = rowsOf(el).map(cells);
    expect(rows.slice(0, 3).map((r) => r.slice(-5, -1))).to.deep.equal([
      ['3', '1', '-2', 'better'],
      ['2', '2', '0', 'unchanged'],
      ['6', '3', '-3', 'better'],
    ]);
    expect(rows[0]![1]).to.equal('P_WORRY Youth rating: worry or problems 0–3');
    expect(rows[1]![0]).to.equal('P_HELP Youth rating: importance of getting help 0–3');
    expect(rows[2]![0]).to.equal('P_SEV Interviewer severity rating 0–9');
    // 9 areas × 3 ratings, all in the table and the chart.
    expect(rows).to.have.length(27);
    const widths = [...el.shadowRoot!.querySelectorAll('svg rect')].slice(0, 6).map((r) => Number(r.getAttribute('width')));
    [400, 400 / 3, (2 / 3) * 400, (2 / 3) * 400, (6 / 9) * 400, (3 / 9) * 400].forEach((w, i) => expect(widths[i]).to.be.closeTo(w, 1e-9));
    await expect(el).to.be.accessible();
  });
});
