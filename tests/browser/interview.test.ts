// <asi-interview> in Chromium: keyboard answering, skip and auto-fill, resume, language, events, accessibility.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { ClientRecord, InterviewStore } from '../../src/core/storage/types.js';
import type { AsiCompleteDetail, AsiInterview } from '../../src/elements/interview/asi-interview.js';
import { DEMO_ANSWERS, answer, deepActiveElement, position, ready } from './interview-helpers.js';

const client: ClientRecord = { id: 'c1', code: 'K-001', sex: 'female', birthYear: 1980, createdAt: '2026-01-01T00:00:00+01:00', updatedAt: '2026-01-01T00:00:00+01:00' };

async function startDemo(store: InterviewStore, lang = 'sv'): Promise<AsiInterview> {
  await store.putClient(client);
  const el = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="intake" lang=${lang} .client=${client} .store=${store}></asi-interview>`);
  await ready(el);
  return el;
}

describe('<asi-interview>', () => {
  it('runs the whole demo from the keyboard, applying skips and auto-fill, and completes with scores', async () => {
    const store = createMemoryStore();
    const el = await startDemo(store);
    const seen: string[] = [];
    while (position(el)) {
      const id = position(el)!;
      seen.push(id);
      await answer(el, DEMO_ANSWERS[id]!);
    }
    // Skipped: H_CHRONIC_SPEC (no illness), A_SPENT (no drinking days); auto-filled: W_CAR, W_MAJORITY.
    expect(seen).to.not.include.members(['H_CHRONIC_SPEC', 'A_SPENT', 'W_CAR', 'W_MAJORITY']);
    expect(seen).to.have.length(18);
    const completeButton = el.shadowRoot!.querySelector<HTMLButtonElement>('button.primary')!;
    await waitUntil(() => deepActiveElement() === completeButton, 'complete button not focused');
    const done = oneEvent(el, 'asi-complete');
    await sendKeys({ press: 'Enter' });
    const { detail } = (await done) as CustomEvent<AsiCompleteDetail>;
    const health = detail.scores.find((s) => s.scoreId === 'HEALTH')!;
    expect(health.value).to.be.closeTo(3 / 90 + 1 / 12 + 2 / 12, 1e-12);
    const work = detail.scores.find((s) => s.scoreId === 'WORK')!;
    expect(work.value).to.be.closeTo(1 - (0 / 4 + 0 / 4 + 10 / 120 + Math.log(5000) / 36), 1e-12);
    const answers = await store.getAnswers(el.interviewId);
    expect(answers.find((a) => a.itemId === 'W_CAR')).to.include({ value: 0, source: 'autofill' });
    expect(answers.find((a) => a.itemId === 'W_MAJORITY')).to.include({ value: 'N', source: 'autofill' });
  });

  it('refuses an out-of-range answer with a visible message and does not save it', async () => {
    const store = createMemoryStore();
    const el = await startDemo(store, 'en');
    await answer(el, DEMO_ANSWERS.G_DATE!);
    await answer(el, DEMO_ANSWERS.G_START!);
    await sendKeys({ type: '7' }); // G_HOUSING has codes 1-4
    await sendKeys({ press: 'Enter' });
    const control = el.shadowRoot!.querySelector('[data-control]')!;
    await waitUntil(() => control.shadowRoot!.querySelector('[role=alert]'), 'no visible refusal');
    expect(control.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('Choose one of the codes 1, 2, 3, 4');
    expect(position(el)).to.equal('G_HOUSING');
    expect((await store.getAnswers(el.interviewId)).some((a) => a.itemId === 'G_HOUSING')).to.be.false;
  });

  it('accepts X and N typed as codes, and PageUp goes back', async () => {
    const store = createMemoryStore();
    const el = await startDemo(store);
    await answer(el, DEMO_ANSWERS.G_DATE!);
    await answer(el, 'x'); // G_START allows X
    expect((await store.getAnswers(el.interviewId)).find((a) => a.itemId === 'G_START')?.value).to.equal('X');
    await sendKeys({ press: 'PageUp' });
    await waitUntil(() => position(el) === 'G_START');
  });

  it('fires asi-answer only for saved answers, with typed detail', async () => {
    const store = createMemoryStore();
    const el = await startDemo(store);
    const event = oneEvent(el, 'asi-answer');
    await answer(el, DEMO_ANSWERS.G_DATE!);
    const { detail } = await event;
    expect(detail).to.deep.equal({ interviewId: el.interviewId, itemId: 'G_DATE', value: '2026-11-22', source: 'entered' });
  });

  it('resumes at the same item with every answer after the element is recreated (reload)', async () => {
    const store = createMemoryStore();
    const el = await startDemo(store);
    for (const id of ['G_DATE', 'G_START', 'G_HOUSING', 'G_HOUSING_TIME', 'H_HOSP']) await answer(el, DEMO_ANSWERS[id]!);
    expect(position(el)).to.equal('H_CHRONIC');
    await el.settled();
    const id = el.interviewId;
    el.remove();
    const again = await fixture<AsiInterview>(html`<asi-interview instrument="demo" interview-id=${id} .store=${store}></asi-interview>`);
    await ready(again);
    expect(position(again)).to.equal('H_CHRONIC');
    expect(again.actor!.getSnapshot().context.plan.answeredCount).to.equal(5);
    await waitUntil(() => (deepActiveElement() as HTMLInputElement | null)?.id === 'answer-H_CHRONIC', 'answer field not focused after resume');
  });

  it('switches language at runtime', async () => {
    const store = createMemoryStore();
    const el = await startDemo(store, 'sv');
    const label = () => el.shadowRoot!.querySelector('[data-control]')!.shadowRoot!.querySelector('label')!.textContent;
    expect(label()).to.equal('Datum för intervjun');
    el.lang = 'en';
    await el.updateComplete;
    await (el.shadowRoot!.querySelector('[data-control]') as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(label()).to.equal('Date of this interview');
  });

  it('shows a clear error for a broken definition', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const broken = { id: 'x', version: '1.0.0', title: { sv: 'x', en: 'x' }, source: 's', rounds: [{ id: 'a', title: { sv: 'a', en: 'a' } }], sections: [{ id: 's', title: { sv: 's', en: 's' }, items: [{ id: 'A', kind: 'days', text: { sv: 'a', en: 'a' }, when: 'B = 1' }] }] };
    const el = await fixture<AsiInterview>(html`<asi-interview .instrument=${broken} round="a" .client=${client} .store=${store}></asi-interview>`);
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.textContent).to.contain('sections[0].items[0].when');
    expect(el.shadowRoot!.textContent).to.contain('Unknown item "B"');
  });

  it('has no axe violations on a question, on a code list, and at the end', async () => {
    const store = createMemoryStore();
    const el = await startDemo(store);
    await expect(el).to.be.accessible();
    await answer(el, DEMO_ANSWERS.G_DATE!);
    await answer(el, DEMO_ANSWERS.G_START!);
    await expect(el).to.be.accessible();
  });
});

describe('<asi-interview> section review', () => {
  it('lists the section answers, marks auto-filled and skipped items, and jumps to an item', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    const el = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="intake" lang="en" .client=${client} .store=${store}></asi-interview>`);
    await ready(el);
    while (position(el) !== 'W_DAYS') await answer(el, DEMO_ANSWERS[position(el)!]!);
    el.actor!.send({ type: 'review.open', sectionId: 'work' });
    await el.updateComplete;
    const rows = [...el.shadowRoot!.querySelectorAll('tbody tr')].map((r) => r.textContent!.replace(/\s+/g, ' ').trim());
    expect(rows[0]).to.contain('W_LICENCE').and.contain('0 No');
    expect(rows[1]).to.contain('W_CAR').and.contain('filled in automatically');
    expect(rows[2]).to.contain('W_DAYS').and.contain('blank');
    await expect(el).to.be.accessible();
    el.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-label="Go to W_LICENCE"]')!.click();
    await waitUntil(() => position(el) === 'W_LICENCE' && el.actor!.getSnapshot().matches({ active: 'answering' }));
  });
});

describe('<asi-interview> in two tabs', () => {
  it('lets one element edit an interview; the second waits, says why, and takes over when the first closes', async () => {
    const store = createMemoryStore();
    const first = await startDemo(store);
    await answer(first, DEMO_ANSWERS.G_DATE!);
    const id = first.interviewId;
    const second = await fixture<AsiInterview>(html`<asi-interview interview-id=${id} lang="en" .store=${store}></asi-interview>`);
    await waitUntil(() => second.shadowRoot!.textContent!.includes('open in another tab'), 'second element did not say why it waits');
    expect(second.actor).to.be.undefined;
    first.remove();
    await ready(second);
    expect(position(second)).to.equal('G_START');
    expect(second.actor!.getSnapshot().context.plan.answeredCount).to.equal(1);
  });
});

describe('<asi-interview> when a write fails', () => {
  it('shows "not saved", fires asi-save-error, focuses retry, keeps the answer out of the store, and saves on retry', async () => {
    const { StorageError } = await import('../../src/core/storage/types.js');
    const store = createMemoryStore();
    let failures = 1;
    const flaky: InterviewStore = Object.assign(Object.create(store) as InterviewStore, {
      saveAnswers: (...args: Parameters<InterviewStore['saveAnswers']>) =>
        failures-- > 0 ? Promise.reject(new StorageError('quota', 'The device is out of storage space')) : store.saveAnswers(...args),
    });
    const el = await startDemo(flaky, 'en');
    const failed = oneEvent(el, 'asi-save-error');
    await sendKeys({ type: '20261122' });
    await sendKeys({ press: 'Enter' });
    const { detail } = (await failed) as CustomEvent<{ code: string; itemId: string }>;
    expect(detail.code).to.equal('quota');
    expect(detail.itemId).to.equal('G_DATE');
    await waitUntil(() => deepActiveElement()?.textContent?.includes('Try again'), 'retry button not focused');
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('The device storage is full');
    expect(el.shadowRoot!.querySelector('.save-state')!.textContent).to.equal('Not saved');
    expect(await store.getAnswers(el.interviewId)).to.have.length(0);
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => position(el) === 'G_START', 'retry did not save and move on');
    expect((await store.getAnswers(el.interviewId)).map((a) => a.itemId)).to.deep.equal(['G_DATE']);
  });
});
