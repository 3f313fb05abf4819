// AUDIT, DUDIT, ADAD and DOK in Chromium: client self-report, the project-items notice, and the feedback summary with corrections.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import { builtinDefinition, loadInstrument } from '../../src/core/definition/index.js';
import { simulateBundle } from '../../src/core/simulation/simulate.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { ClientRecord, InterviewStore } from '../../src/core/storage/types.js';
import type { AsiInterview } from '../../src/elements/interview/asi-interview.js';
import { answer, deepActiveElement, position, ready } from './interview-helpers.js';
import localOverlay from '../../instruments/dok/overlays/example-local.json' with { type: 'json' };

const client: ClientRecord = { id: 'c5', code: 'K-005', sex: 'female', birthYear: 1990, createdAt: '2026-01-01T00:00:00+01:00', updatedAt: '2026-01-01T00:00:00+01:00' };

const shadowText = (el: Element) => (el.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ');

describe('client self-report (mode="self")', () => {
  it('AUDIT: plain questions with the standard glass, answered by keyboard alone, ending with a thank-you', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(
      html`<asi-interview instrument="audit" round="screening" mode="self" lang="sv" .client=${client} .store=${store}></asi-interview>`,
    );
    await ready(el);
    const root = el.shadowRoot!;
    // Nothing for the interviewer: no item codes, section list, key items or "end early".
    expect(root.querySelector('asi-section-nav')).to.equal(null);
    expect(root.querySelector('.item-meta')).to.equal(null);
    expect(root.querySelector('details')).to.equal(null);
    expect(shadowText(el)).to.contain('Vill inte svara');
    // The consumption items show the Swedish standard glass.
    const control = root.querySelector('[data-control]')!;
    await (control as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(control.shadowRoot!.textContent).to.contain('4 cl sprit');

    // Points per item: 2+1+1+0+0+0+1+0+0+2 = 7, a woman → risky use (≥ 6).
    for (const points of ['2', '1', '1', '0', '0', '0', '1', '0', '0', '2']) await answer(el, points);
    expect(position(el)).to.equal(null);
    await el.updateComplete;
    await waitUntil(() => deepActiveElement()?.textContent?.trim() === 'Avsluta intervjun' || deepActiveElement()?.classList.contains('primary'));
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.actor!.getSnapshot().matches('completed'), 'not completed', { timeout: 5000 });
    await el.updateComplete;
    expect(root.querySelector('.self-done')!.textContent).to.contain('Tack för dina svar');
    const scores = await store.getScores(el.interviewId);
    // The record says who answered: a self-report is stored as one, not as an interview.
    expect((await store.getInterview(el.interviewId))!.mode).to.equal('self');
    expect(scores.find((s) => s.scoreId === 'AUDIT')!.value).to.equal(7);
    expect(scores.find((s) => s.scoreId === 'AUDIT_C')!.value).to.equal(4);
    // The results are for the staff, behind a disclosure.
    const staff = root.querySelector<HTMLDetailsElement>('details.staff')!;
    expect(staff.open).to.equal(false);
  });

  it('"prefer not to answer" stores X where the item allows it', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(
      html`<asi-interview instrument="dudit" round="screening" mode="self" lang="en" .client=${client} .store=${store}></asi-interview>`,
    );
    await ready(el);
    const button = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'I prefer not to answer')!;
    button.click();
    await waitUntil(() => position(el) === 'DUDIT2');
    const answers = await store.getAnswers(el.interviewId);
    expect(answers.find((a) => a.itemId === 'DUDIT1')!.value).to.equal('X');
  });
});

describe('project item sets', () => {
  it('ADAD says that its questions are the project’s own, not the licensed set', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(html`<asi-interview instrument="adad" round="intake" lang="sv" .client=${client} .store=${store}></asi-interview>`);
    await ready(el);
    expect(el.shadowRoot!.querySelector('.notice.project')!.textContent).to.contain('inte den licensierade frågeuppsättningen');
    expect(el.shadowRoot!.querySelector('.item-meta')!.textContent).to.contain('projektets egen fråga');
  });

  it('AUDIT, whose items are the published ones, shows no such notice', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(html`<asi-interview instrument="audit" round="screening" .client=${client} .store=${store}></asi-interview>`);
    await ready(el);
    expect(el.shadowRoot!.querySelector('.notice.project')).to.equal(null);
  });
});

/** A completed DOK intake for `client`, simulated and imported, so the test starts at the feedback meeting. */
async function completedDokIntake(store: InterviewStore): Promise<string> {
  const instrument = loadInstrument(await builtinDefinition('dok'));
  const bundle = await simulateBundle({ instrument, clients: 1, rounds: ['intake'], seed: 7, incompleteRate: 0 });
  await store.importRecords(bundle);
  return bundle.interviews[0]!.id;
}

describe('DOK feedback summary', () => {
  it('lists the answers by area; a correction reopens at the item and lands in the audit trail with its reason', async () => {
    const store = createMemoryStore();
    const interviewId = await completedDokIntake(store);
    const el = await fixture<AsiInterview>(html`<asi-interview interview-id=${interviewId} lang="sv" .store=${store}></asi-interview>`);
    await ready(el);
    const root = el.shadowRoot!;
    const summary = root.querySelector('.summary')!;
    expect(summary.querySelector('h2')!.textContent).to.equal('Sammanfattning för återkopplingssamtalet');
    const titles = [...summary.querySelectorAll('h3')].map((h) => h.textContent);
    expect(titles).to.include('Boende- och levnadsform');
    // The embedded AUDIT items are summarised like the rest.
    expect(summary.textContent).to.contain('Hur ofta alkohol');

    const before = (await store.getAnswers(interviewId)).find((a) => a.itemId === 'SOC1')!.value;
    const correct = summary.querySelector<HTMLButtonElement>('button[aria-label="Rätta: Födelseår"]')!;
    correct.click();
    await waitUntil(() => el.actor!.getSnapshot().matches('active') && position(el) === 'SOC1', 'not reopened at SOC1', { timeout: 5000 });
    const corrected = before === 1980 ? '1981' : '1980';
    await answer(el, corrected);
    const finish = [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Spara rättelsen och avsluta')!;
    finish.click();
    await waitUntil(() => el.actor!.getSnapshot().matches('completed'), 'not completed again', { timeout: 5000 });
    await el.updateComplete;

    const log = await store.getAuditLog(interviewId);
    const change = log.find((e) => e.type === 'answer' && e.itemId === 'SOC1' && e.reason)!;
    expect(change.old).to.equal(before);
    expect(change.new).to.equal(Number(corrected));
    expect(change.reason).to.equal('Klientens rättelse vid återkopplingssamtalet');
    expect(root.querySelector('.summary')!.textContent).to.contain(`Födelseår: ${corrected}`);
  });
});

describe('local questions from an overlay file', () => {
  it('DOK with the example local overlay asks the unit’s question after BO5, marked local, and stores the answer', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(
      html`<asi-interview instrument="dok" round="intake" lang="sv" .overlays=${[localOverlay]} .client=${client} .store=${store}></asi-interview>`,
    );
    await ready(el);
    el.actor!.send({ type: 'nav.goto', itemId: 'BO5' });
    await waitUntil(() => position(el) === 'BO5');
    await answer(el, '0');
    expect(position(el)).to.equal('L_BOSTOD');
    expect(el.shadowRoot!.querySelector('.item-meta')!.textContent).to.contain('lokal fråga');
    await answer(el, '1');
    expect(position(el)).to.equal('L_BOSTOD_NOJD');
    await answer(el, '3');
    const answers = await store.getAnswers(el.interviewId);
    expect(answers.find((a) => a.itemId === 'L_BOSTOD')!.value).to.equal(1);
    expect(answers.find((a) => a.itemId === 'L_BOSTOD_NOJD')!.value).to.equal(3);
  });
});
