// <asi-client-list> and <asi-client-rounds> in Chromium: registering clients, the per-instrument timeline, comparing.
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createMemoryStore } from '../../src/core/storage/memory-store.js';
import type { ClientRecord, InterviewRecord } from '../../src/core/storage/types.js';
import type { AsiClientList } from '../../src/elements/clients/asi-client-list.js';
import type { AsiClientRounds, AsiCompareDetail } from '../../src/elements/clients/asi-client-rounds.js';

const client: ClientRecord = { id: 'c1', code: 'K-100', sex: 'female', birthYear: 1990, createdAt: '2026-01-01T00:00:00+01:00', updatedAt: '2026-01-01T00:00:00+01:00' };
const interview = (id: string, round: string, startedAt: string, status: InterviewRecord['status']): InterviewRecord => ({
  id, clientId: 'c1', instrumentId: 'demo', instrumentVersion: '1.0.0', round, status, mode: 'interviewer', startedAt, updatedAt: startedAt,
});

describe('<asi-client-rounds>', () => {
  it('shows a timeline per instrument with the interval between rounds, and offers comparison', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    await store.createInterview(interview('i1', 'intake', '2026-03-14T10:00:00+01:00', 'completed'));
    await store.createInterview(interview('i2', 'follow-up', '2026-09-14T10:00:00+02:00', 'completed'));
    await store.createInterview(interview('i3', 'follow-up', '2027-03-16T10:00:00+01:00', 'paused'));
    const el = await fixture<AsiClientRounds>(html`<asi-client-rounds client-id="c1" lang="en" .store=${store}></asi-client-rounds>`);
    await waitUntil(() => el.shadowRoot!.querySelectorAll('ol li').length === 3 && el.shadowRoot!.textContent!.includes('Intake'), 'timeline not rendered');
    const items = [...el.shadowRoot!.querySelectorAll('ol li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(items[0]).to.contain('Intake').and.contain('2026-03-14').and.contain('Completed');
    expect(items[1]).to.contain('Follow-up').and.contain('≈ 6 months after the previous (184 days)');
    expect(items[2]).to.contain('Paused').and.contain('Continue');
    await expect(el).to.be.accessible();
    const compare = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Compare'))!;
    setTimeout(() => compare.click());
    const { detail } = (await oneEvent(el, 'asi-compare')) as CustomEvent<AsiCompareDetail>;
    expect(detail).to.deep.equal({ clientId: 'c1', instrument: 'demo', interviewIds: ['i1', 'i2'] });
  });
});

describe('<asi-client-list>', () => {
  it('registers a client with a pseudonymous code and refuses a duplicate or a name-like code', async () => {
    const store = createMemoryStore();
    const el = await fixture<AsiClientList>(html`<asi-client-list lang="en" .store=${store}></asi-client-list>`);
    const form = el.shadowRoot!.querySelector('form')!;
    const code = form.querySelector<HTMLInputElement>('input[name=code]')!;
    code.value = 'K-200';
    setTimeout(() => form.requestSubmit());
    const { detail } = (await oneEvent(el, 'asi-client-select')) as CustomEvent<{ clientId: string }>;
    expect((await store.getClient(detail.clientId))?.code).to.equal('K-200');
    await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'));
    code.value = 'k-200';
    form.requestSubmit();
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('That code is already in use');
    code.value = 'Anna Svensson';
    form.requestSubmit();
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]')!.textContent!.includes('letters, digits'));
    expect((await store.listClients()).length).to.equal(1);
    await expect(el).to.be.accessible();
  });
});

describe('<asi-client-list> selection', () => {
  it('exports the selected clients', async () => {
    const store = createMemoryStore();
    await store.putClient(client);
    await store.putClient({ ...client, id: 'c2', code: 'K-101' });
    const el = await fixture<AsiClientList>(html`<asi-client-list lang="en" .store=${store}></asi-client-list>`);
    await waitUntil(() => el.shadowRoot!.querySelectorAll('tbody tr').length === 2);
    const exportButton = () => [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Export selected'))!;
    expect(exportButton().disabled).to.be.true;
    el.shadowRoot!.querySelector<HTMLInputElement>('input[aria-label="Select K-101"]')!.click();
    await el.updateComplete;
    expect(exportButton().textContent).to.contain('(1)');
    setTimeout(() => exportButton().click());
    const { detail } = (await oneEvent(el, 'asi-client-export')) as CustomEvent<{ clientIds: string[] }>;
    expect(detail.clientIds).to.deep.equal(['c2']);
    await expect(el).to.be.accessible();
  });
});
