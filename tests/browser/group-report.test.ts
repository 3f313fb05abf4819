// <asi-group-report> in Chromium: means at first and last round, filters from the form, the CSV download.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import '../../src/elements/define-evaluation.js';
import { builtinDefinition, loadInstrument } from '../../src/core/definition/index.js';
import type { ClientRecord, InterviewRecord, ScoreRecord } from '../../src/core/storage/types.js';
import type { GroupData } from '../../src/core/scoring/group.js';
import type { AsiGroupReport } from '../../src/elements/group-report/asi-group-report.js';

const client = (id: string, sex: ClientRecord['sex'], birthYear: number): ClientRecord => ({ id, code: id.toUpperCase(), sex, birthYear, createdAt: '', updatedAt: '' });
const interview = (id: string, clientId: string, round: string, date: string): InterviewRecord => ({
  id, clientId, instrumentId: 'demo', instrumentVersion: '1.0.0', round, status: 'completed', mode: 'interviewer', startedAt: `${date}T10:00:00+01:00`, updatedAt: '',
});
const score = (interviewId: string, value: number | null): ScoreRecord => ({
  interviewId, scoreId: 'HEALTH', value, computedAt: '', provenance: { algorithm: { id: 'demo-health', version: '1' }, instrument: { id: 'demo', version: '1.0.0' }, inputs: {}, missing: value === null ? ['H_DAYS'] : [] },
});

// Three clients: HEALTH 0.6 → 0.2 (f), 0.4 → 0.5 (m), 0.5 → missing at follow-up (f).
const data: GroupData = {
  clients: [client('a', 'female', 1980), client('b', 'male', 1990), client('c', 'female', 1970)],
  interviews: [
    interview('a1', 'a', 'intake', '2026-01-10'), interview('a2', 'a', 'follow-up', '2026-07-10'),
    interview('b1', 'b', 'intake', '2026-02-10'), interview('b2', 'b', 'follow-up', '2026-08-10'),
    interview('c1', 'c', 'intake', '2026-03-10'), interview('c2', 'c', 'follow-up', '2026-09-10'),
  ],
  scores: [score('a1', 0.6), score('a2', 0.2), score('b1', 0.4), score('b2', 0.5), score('c1', 0.5), score('c2', null)],
};

describe('<asi-group-report>', () => {
  it('reports n, means, mean change and missing, filters by sex from the form, and downloads the table', async () => {
    const instrument = loadInstrument(await builtinDefinition('demo'));
    const el = await fixture<AsiGroupReport>(html`<asi-group-report lang="en" .instrument=${instrument} .data=${data}></asi-group-report>`);
    await waitUntil(() => el.shadowRoot!.querySelector('tbody tr'), 'report not rendered');
    const health = () => [...el.shadowRoot!.querySelector('tbody tr')!.querySelectorAll('td')].map((td) => td.textContent!.trim());
    // n = 2 (a and b); mean first (0.6 + 0.4)/2 = 0.5; mean last (0.2 + 0.5)/2 = 0.35; change −0.15; c missing.
    expect(health().slice(0, 4)).to.deep.equal(['2', '0.500', '0.350', '-0.150']);
    expect(health()[7]).to.equal('1');
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.equal('3 clients in the filter');
    await expect(el).to.be.accessible();

    el.shadowRoot!.querySelector<HTMLInputElement>('input[name=sex][value=female]')!.checked = true;
    el.shadowRoot!.querySelector('form')!.requestSubmit();
    await waitUntil(() => el.shadowRoot!.querySelector('[role=status]')!.textContent === '2 clients in the filter');
    expect(health().slice(0, 4)).to.deep.equal(['1', '0.600', '0.200', '-0.400']);

    let downloaded: { name: string; text: Promise<string> } | undefined;
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloaded = { name: this.download, text: fetch(this.href).then((r) => r.text()) };
    };
    try {
      [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('CSV'))!.click();
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(downloaded!.name).to.equal('demo-group-report.csv');
    const lines = (await downloaded!.text).replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('score,title,n,meanFirst,meanLast,meanChange,improved,unchanged,worsened,missing');
    expect(lines[1]!.startsWith('HEALTH,Health index (demo),1,0.6,0.2,')).to.be.true;
  });
});
