// <asi-interview> on an interview changed behind the app's back (real IndexedDB): the warning, blocked edits, acknowledgement.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import { createUnitKey } from '../../src/core/protection/unit-key.js';
import { deleteIdbStore, openIdbStore, type IdbInterviewStore } from '../../src/core/storage/idb-store.js';
import type { ClientRecord } from '../../src/core/storage/types.js';
import type { AsiIntegrityDetail, AsiInterview } from '../../src/elements/interview/asi-interview.js';
import { rawEdits } from '../contract/raw-idb.js';
import { DEMO_ANSWERS, answer, deepActiveElement, position, ready } from './interview-helpers.js';

const client: ClientRecord = { id: 'c1', code: 'K-1', sex: 'female', createdAt: '2026-01-01T10:00:00.000+01:00', updatedAt: '2026-01-01T10:00:00.000+01:00' };
const names: string[] = [];
const stores: IdbInterviewStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const name of names.splice(0)) await deleteIdbStore(name);
});

async function store(encrypted = false): Promise<IdbInterviewStore> {
  const name = `asi-integrity-${crypto.randomUUID()}`;
  names.push(name);
  const s = await openIdbStore({ name });
  stores.push(s);
  if (encrypted) await s.enableEncryption(await createUnitKey('enhetens lösenfras 2026'));
  await s.putClient(client);
  return s;
}

/** Four demo answers through the element itself, then the element removed: a real interview to tamper with. */
async function interviewWithAnswers(s: IdbInterviewStore): Promise<string> {
  const el = await fixture<AsiInterview>(html`<asi-interview instrument="demo" round="intake" .client=${client} .store=${s}></asi-interview>`);
  await ready(el);
  for (let i = 0; i < 4; i++) await answer(el, DEMO_ANSWERS[position(el)!]!);
  await el.settled();
  const id = el.interviewId;
  el.remove();
  return id;
}

async function openWarned(s: IdbInterviewStore, id: string): Promise<{ el: AsiInterview; detail: AsiIntegrityDetail }> {
  let detail: AsiIntegrityDetail | undefined;
  const el = await fixture<AsiInterview>(
    html`<asi-interview interview-id=${id} lang="sv" interviewer="lead" .store=${s} @asi-integrity=${(e: CustomEvent<AsiIntegrityDetail>) => (detail = e.detail)}></asi-interview>`,
  );
  await waitUntil(() => detail && el.shadowRoot!.querySelector('[data-integrity]'), 'no integrity warning', { timeout: 10000 });
  return { el, detail: detail! };
}

describe('<asi-interview> integrity check on opening', () => {
  it('shows an edited audit event by number, takes no answer, and opens for editing once acknowledged with a reason', async () => {
    const s = await store();
    const id = await interviewWithAnswers(s);
    await rawEdits(indexedDB, () => s.name).tamperEvent(id, 1);

    const { el, detail } = await openWarned(s, id);
    expect(detail.interviewId).to.equal(id);
    expect(detail.firstBadEvent).to.equal(1);
    const warning = el.shadowRoot!.querySelector('[data-integrity]')!;
    expect(warning.textContent).to.contain(id);
    expect(warning.textContent).to.contain('Första felaktiga händelse i loggen: nr 2');
    expect(warning.textContent).to.contain('Händelse 2 i granskningsloggen har ändrats');
    // Editing is blocked: no answer control, no running interview.
    expect(el.shadowRoot!.querySelector('[data-control]')).to.equal(null);
    expect(el.actor).to.equal(undefined);

    // Keyboard only: focus is on the comment; type it and press Enter.
    await waitUntil(() => deepActiveElement()?.getAttribute('name') === 'reason', `comment field not focused: ${deepActiveElement()?.outerHTML.slice(0, 80)}`);
    await sendKeys({ type: 'Sett vid enhetsmöte' });
    await sendKeys({ press: 'Enter' });
    await ready(el);
    expect(el.shadowRoot!.querySelector('[data-integrity]')).to.equal(null);
    const log = await s.getAuditLog(id);
    expect(log.at(-1)).to.include({ type: 'integrity', actor: 'lead', reason: 'Sett vid enhetsmöte' });
    expect((await s.verifyInterview(id)).ok).to.be.true;
    // And it goes on as before: the next answer is saved and the chain stays whole.
    await answer(el, DEMO_ANSWERS[position(el)!]!);
    expect((await s.verifyInterview(id)).ok).to.be.true;
  });

  it('shows a removed last event and an edited answer record', async () => {
    const s = await store();
    const id = await interviewWithAnswers(s);
    const edits = rawEdits(indexedDB, () => s.name);
    await edits.deleteLastEvent(id);
    const firstItem = (await s.getAnswers(id))[0]!.itemId;
    await edits.editAnswer(id, firstItem);
    const { el, detail } = await openWarned(s, id);
    expect(detail.problems.map((p) => p.kind)).to.include.members(['events-missing', 'answer']);
    const text = el.shadowRoot!.querySelector('[data-integrity]')!.textContent!;
    expect(text).to.contain('De sista 1 händelserna i granskningsloggen saknas');
    expect(text).to.contain(`Det sparade svaret på ${firstItem} skiljer sig från granskningsloggen`);
  });

  it('in an encrypted store, a damaged record cannot be acknowledged: it says to restore from a backup', async () => {
    const s = await store(true);
    const id = await interviewWithAnswers(s);
    await rawEdits(indexedDB, () => s.name).tamperEvent(id, 2);
    const { el, detail } = await openWarned(s, id);
    expect(detail.problems[0]!.kind).to.equal('unreadable');
    expect(detail.firstBadEvent).to.equal(2);
    const warning = el.shadowRoot!.querySelector('[data-integrity]')!;
    expect(warning.textContent).to.contain('Återställ intervjun från en säkerhetskopia');
    expect(warning.querySelector('form')).to.equal(null);
  });
});
