// Follow-up rounds and results in Chromium: dates anchored on the previous round, previous answers, rating panel, profile.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import { builtinDefinition, loadInstrument, parseAnswer } from '../../src/core/definition/index.js';
import { planInterview, reconcileAutofill, startInterview } from '../../src/core/flow/index.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { AnswerChange, ClientRecord, InterviewStore } from '../../src/core/storage/types.js';
import type { AsiInterview } from '../../src/elements/interview/asi-interview.js';
import { DEMO_ANSWERS, answer, position, ready } from './interview-helpers.js';

const client: ClientRecord = { id: 'c9', code: 'K-009', sex: 'male', birthYear: 1975, createdAt: '2026-01-01T00:00:00+01:00', updatedAt: '2026-01-01T00:00:00+01:00' };

/** A completed intake with the demo answers, dated 14 March 2026 (G_DATE), stored through the core API. */
async function completedIntake(store: InterviewStore): Promise<void> {
  const instrument = loadInstrument(await builtinDefinition('demo'));
  await store.putClient(client);
  const record = await startInterview({ store, instrument, client, round: 'intake', now: () => new Date('2026-03-14T10:00:00+01:00') });
  const entered: AnswerChange[] = Object.entries({ ...DEMO_ANSWERS, G_DATE: '20260314' }).map(([itemId, text]) => {
    const parsed = parseAnswer(instrument, instrument.item(itemId)!, text);
    if (!parsed.ok) throw new Error(`${itemId}: ${parsed.message.en}`);
    return { itemId, value: parsed.value, source: 'entered' };
  });
  const answers = Object.fromEntries(entered.map((c) => [c.itemId, { value: c.value!, source: c.source }]));
  const fills = reconcileAutofill(planInterview(instrument, 'intake', answers), answers);
  await store.saveAnswers(record.id, [...entered, ...fills], { actor: 'test' });
  await store.updateInterview(record.id, { status: 'completed', completedAt: '2026-03-14T11:00:00+01:00' }, { actor: 'test' });
}

describe('follow-up round', () => {
  it('words "since" items with the date of the previous round and shows the previous answer on Alt+P', async () => {
    const store = createMemoryStore();
    await completedIntake(store);
    const el = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="follow-up" lang="en" .client=${client} .store=${store}></asi-interview>`);
    await ready(el);
    el.actor!.send({ type: 'nav.goto', itemId: 'H_HOSP' });
    await waitUntil(() => position(el) === 'H_HOSP');
    await el.updateComplete;
    const control = el.shadowRoot!.querySelector('[data-control]')!;
    await (control as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(control.shadowRoot!.querySelector('label')!.textContent).to.equal(
      'How many times have you been in hospital for physical problems since 14 March 2026?',
    );
    expect(el.shadowRoot!.querySelector('.item-meta')!.textContent).to.contain('since 14 March 2026');
    await waitUntil(() => el.shadowRoot!.querySelector('[data-control]')?.matches(':focus-within'));
    await sendKeys({ down: 'Alt' });
    await sendKeys({ press: 'p' });
    await sendKeys({ up: 'Alt' });
    await waitUntil(() => el.shadowRoot!.querySelector('.previous'), 'previous answer not shown');
    expect(el.shadowRoot!.querySelector('.previous')!.textContent!.trim()).to.equal('Last time (14 March 2026): 2 times');
  });

  it('in Swedish, with no earlier round, says "since the last interview"', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="follow-up" lang="sv" .client=${client} .store=${store}></asi-interview>`);
    await ready(el);
    el.actor!.send({ type: 'nav.goto', itemId: 'H_HOSP' });
    await waitUntil(() => position(el) === 'H_HOSP');
    await el.updateComplete;
    const control = el.shadowRoot!.querySelector('[data-control]')!;
    await (control as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(control.shadowRoot!.querySelector('label')!.textContent).to.contain('sedan förra intervjun');
  });
});

describe('interviewer rating and results', () => {
  it('shows the critical answers beside a rating, then the profile at the end', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="intake" lang="en" .client=${client} .store=${store}></asi-interview>`);
    await ready(el);
    while (position(el) !== 'H_SEVERITY') await answer(el, DEMO_ANSWERS[position(el)!]!);
    const panel = el.shadowRoot!.querySelector('.critical')!;
    const rows = [...panel.querySelectorAll('dl > div')].map((d) => d.textContent!.replace(/\s+/g, ' ').trim());
    expect(rows).to.have.length(4);
    expect(rows[0]).to.contain('H_CHRONIC').and.contain('0 No');
    expect(rows[1]).to.contain('H_DAYS').and.contain('3 days');
    expect(rows[2]).to.contain('H_TROUBLED').and.contain('1 Slightly');
    expect(rows[3]).to.contain('H_IMPORTANT').and.contain('2 Moderately');
    await expect(el).to.be.accessible();
    while (position(el)) await answer(el, DEMO_ANSWERS[position(el)!]!);
    el.actor!.send({ type: 'interview.complete' });
    await waitUntil(() => el.shadowRoot!.querySelector('asi-profile')?.shadowRoot?.querySelector('tbody tr'), 'no profile');
    const profile = el.shadowRoot!.querySelector('asi-profile')!;
    await waitUntil(() => profile.shadowRoot!.textContent!.includes('0.283'));
    const table = [...profile.shadowRoot!.querySelectorAll('tbody tr')].map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    expect(table[0]).to.equal(`Physical health ${(3 / 90 + 1 / 12 + 2 / 12).toFixed(3)} 3 Slight problem`);
    expect(table[1]).to.contain('Work and support').and.contain((1 - (10 / 120 + Math.log(5000) / 36)).toFixed(3));
    expect(table[2]).to.equal('Alcohol 1 No problem');
    expect(profile.shadowRoot!.querySelector('svg[role=img]')).to.exist;
    await expect(el).to.be.accessible();
  });
});
