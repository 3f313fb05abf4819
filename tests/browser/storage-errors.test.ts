// Storage failures on screen in the element's language (chosen by StorageError.code), never the store's English text.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import '../../src/elements/define-evaluation.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import { StorageError, type ClientRecord, type InterviewStore } from '../../src/core/storage/types.js';
import type { AsiClientList } from '../../src/elements/clients/asi-client-list.js';
import type { AsiClientRounds } from '../../src/elements/clients/asi-client-rounds.js';
import type { AsiComparison } from '../../src/elements/comparison/asi-comparison.js';
import type { AsiInterview, AsiSaveErrorDetail } from '../../src/elements/interview/asi-interview.js';
import { deepActiveElement, ready } from './interview-helpers.js';

const client: ClientRecord = { id: 'c1', code: 'K-001', sex: 'female', birthYear: 1980, createdAt: '2026-01-01T00:00:00+01:00', updatedAt: '2026-01-01T00:00:00+01:00' };

/** What the store says, for developers: it must never be what the interviewer reads. */
const DEVELOPER_TEXT = 'QuotaExceededError (raised by the test store)';
const QUOTA = {
  sv: 'Lagringsutrymmet på enheten är fullt. Frigör utrymme eller exportera en säkerhetskopia.',
  en: 'The device storage is full. Free up space or export a backup.',
};
const CLOSED = {
  sv: 'Anslutningen till den lokala lagringen bröts eller har tagits över av en nyare version av appen. Ladda om sidan.',
  en: 'The connection to local storage was lost or taken over by a newer version of the app. Reload the page.',
};

/**
 * A memory store with some operations failing as a real store reports them. IndexedDB cannot be filled to its quota
 * reliably in a test; what is under test here is the message the element shows for the code.
 */
function failing(overrides: Partial<Record<keyof InterviewStore, StorageError>>): InterviewStore {
  const store = createMemoryStore();
  const wrapper: InterviewStore = Object.create(store);
  for (const [name, error] of Object.entries(overrides)) Object.assign(wrapper, { [name]: () => Promise.reject(error) });
  return wrapper;
}

const alertText = (root: ShadowRoot) => [...root.querySelectorAll('[role=alert]')].map((a) => a.textContent!.replace(/\s+/g, ' ').trim()).join(' | ');

async function interviewWithFullStorage(lang: 'sv' | 'en'): Promise<AsiInterview> {
  const store = failing({ saveAnswers: new StorageError('quota', DEVELOPER_TEXT) });
  await store.putClient(client);
  const el = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="intake" lang=${lang} .client=${client} .store=${store}></asi-interview>`);
  await ready(el);
  return el;
}

/** Types the first demo answer (G_DATE) and returns the save error the element reports. */
async function answerFirst(el: AsiInterview): Promise<AsiSaveErrorDetail> {
  await waitUntil(() => deepActiveElement()?.tagName === 'INPUT', 'no answer field focused');
  const failed = oneEvent(el, 'asi-save-error');
  await sendKeys({ type: '20261122' });
  await sendKeys({ press: 'Enter' });
  const { detail } = (await failed) as CustomEvent<AsiSaveErrorDetail>;
  await waitUntil(() => el.shadowRoot!.querySelector('.notice.error[role=alert]'), 'no "not saved" notice');
  return detail;
}

describe('storage errors in the UI language', () => {
  it('<asi-interview lang="sv">: a full disk is reported in Swedish, in the notice and in asi-save-error, and switches with lang', async () => {
    const el = await interviewWithFullStorage('sv');
    const detail = await answerFirst(el);
    expect(detail.code).to.equal('quota');
    expect(detail.message).to.equal(QUOTA.sv);
    expect(detail.itemId).to.equal('G_DATE');
    const text = alertText(el.shadowRoot!);
    expect(text).to.contain('Svaret kunde inte sparas').and.contain(QUOTA.sv);
    expect(text).to.not.contain(DEVELOPER_TEXT);
    expect(text).to.not.contain('The device storage is full');

    el.lang = 'en';
    await el.updateComplete;
    expect(alertText(el.shadowRoot!)).to.contain('The answer could not be saved').and.contain(QUOTA.en);
  });

  it('<asi-interview lang="en">: the same failure in English', async () => {
    const el = await interviewWithFullStorage('en');
    const detail = await answerFirst(el);
    expect(detail).to.include({ code: 'quota', message: QUOTA.en });
    const text = alertText(el.shadowRoot!);
    expect(text).to.contain(QUOTA.en);
    expect(text).to.not.contain(DEVELOPER_TEXT);
    expect(text).to.not.contain('Lagringsutrymmet');
  });

  it('<asi-interview>: a storage failure while opening is shown in the element’s language', async () => {
    const store = failing({ getInterview: new StorageError('closed', 'InvalidStateError (raised by the test store)') });
    const el = await fixture<AsiInterview>(html`<asi-interview interview-id="i1" lang="sv" .store=${store}></asi-interview>`);
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no load error shown');
    expect(alertText(el.shadowRoot!)).to.equal(`Intervjun kunde inte öppnas: ${CLOSED.sv}`);
    el.lang = 'en';
    await el.updateComplete;
    expect(alertText(el.shadowRoot!)).to.equal(`The interview could not be opened: ${CLOSED.en}`);
  });

  it('<asi-client-list>: a list that cannot be read, and a client that cannot be added', async () => {
    const unreadable = failing({ listClients: new StorageError('closed', 'raised by the test store') });
    const list = await fixture<AsiClientList>(html`<asi-client-list lang="sv" .store=${unreadable}></asi-client-list>`);
    await waitUntil(() => list.shadowRoot!.querySelector('[role=alert]'), 'no error shown for the list');
    expect(alertText(list.shadowRoot!)).to.equal(CLOSED.sv);

    const full = failing({ putClient: new StorageError('quota', DEVELOPER_TEXT) });
    const form = await fixture<AsiClientList>(html`<asi-client-list lang="en" .store=${full}></asi-client-list>`);
    await form.updateComplete;
    form.shadowRoot!.querySelector<HTMLInputElement>('input[name=code]')!.value = 'K-200';
    form.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitUntil(() => form.shadowRoot!.querySelector('[role=alert]'), 'no error shown for the failed add');
    expect(alertText(form.shadowRoot!)).to.equal(QUOTA.en);
    // What was typed stays, so that the user can try again.
    expect(form.shadowRoot!.querySelector<HTMLInputElement>('input[name=code]')!.value).to.equal('K-200');
  });

  it('<asi-client-rounds> and <asi-comparison>: reads that fail are shown in Swedish', async () => {
    const store = failing({
      listInterviews: new StorageError('closed', 'raised by the test store'),
      getInterview: new StorageError('closed', 'raised by the test store'),
    });
    await store.putClient(client);
    const rounds = await fixture<AsiClientRounds>(html`<asi-client-rounds client-id="c1" lang="sv" .store=${store}></asi-client-rounds>`);
    await waitUntil(() => rounds.shadowRoot!.querySelector('[role=alert]'), 'no error shown for the rounds');
    expect(alertText(rounds.shadowRoot!)).to.equal(CLOSED.sv);

    const comparison = await fixture<AsiComparison>(html`<asi-comparison lang="sv" .interviewIds=${['a', 'b']} .store=${store}></asi-comparison>`);
    await waitUntil(() => comparison.shadowRoot!.querySelector('[role=alert]'), 'no error shown for the comparison');
    expect(alertText(comparison.shadowRoot!)).to.equal(CLOSED.sv);
  });
});
