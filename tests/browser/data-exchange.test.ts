// <asi-data-exchange> in Chromium: a backup downloads, restores into an empty store, and a broken file writes nothing.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import '../../src/elements/define-evaluation.js';
import { createMemoryStore, memoryStoreRecords } from '../../src/core/storage/memory-store.js';
import type { ClientRecord } from '../../src/core/storage/types.js';
import type { AsiDataExchange } from '../../src/elements/data-exchange/asi-data-exchange.js';

const client: ClientRecord = { id: 'c1', code: 'K-1', sex: 'male', birthYear: 1970, createdAt: '2026-01-01T00:00:00+01:00', updatedAt: '2026-01-01T00:00:00+01:00' };

/** Captures the files an element "downloads" through a[download].click(). */
async function capture(run: () => void | Promise<void>): Promise<{ name: string; text: string }[]> {
  const files: Promise<{ name: string; text: string }>[] = [];
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    const name = this.download;
    files.push(fetch(this.href).then(async (r) => ({ name, text: await r.text() })));
  };
  try {
    await run();
  } finally {
    HTMLAnchorElement.prototype.click = click;
  }
  return Promise.all(files);
}

function chooseFile(el: AsiDataExchange, name: string, text: string, passphrase = ''): void {
  const form = el.shadowRoot!.querySelector<HTMLFormElement>('[part=import] form')!;
  const input = form.querySelector<HTMLInputElement>('input[type=file]')!;
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], name, { type: 'application/json' }));
  input.files = transfer.files;
  form.querySelector<HTMLInputElement>('input[name=passphrase]')!.value = passphrase;
  form.requestSubmit();
}

async function sourceStore() {
  const source = createMemoryStore();
  await source.putClient(client);
  await source.createInterview({ id: 'i1', clientId: 'c1', instrumentId: 'demo', instrumentVersion: '1.0.0', round: 'intake', status: 'in-progress', mode: 'interviewer', startedAt: '2026-03-14T10:00:00+01:00', updatedAt: '2026-03-14T10:00:00+01:00' });
  await source.saveAnswers('i1', [{ itemId: 'H_DAYS', value: 4, source: 'entered' }], { actor: 'anna' });
  return source;
}

describe('<asi-data-exchange>', () => {
  it('exports a JSON backup that restores into an empty store', async () => {
    const source = createMemoryStore();
    await source.putClient(client);
    await source.createInterview({ id: 'i1', clientId: 'c1', instrumentId: 'demo', instrumentVersion: '1.0.0', round: 'intake', status: 'in-progress', mode: 'interviewer', startedAt: '2026-03-14T10:00:00+01:00', updatedAt: '2026-03-14T10:00:00+01:00' });
    await source.saveAnswers('i1', [{ itemId: 'H_DAYS', value: 4, source: 'entered' }], { actor: 'anna' });
    const out = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="en" .store=${source}></asi-data-exchange>`);
    const files = await capture(async () => {
      [...out.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Unencrypted backup'))!.click();
      await waitUntil(() => out.shadowRoot!.querySelector('[role=status]')!.textContent!.startsWith('Saved'));
    });
    expect(files).to.have.length(1);
    expect(files[0]!.name).to.match(/^asi-interview-backup-\d{4}-\d{2}-\d{2}\.json$/);

    const target = createMemoryStore();
    const into = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="en" .store=${target}></asi-data-exchange>`);
    chooseFile(into, files[0]!.name, files[0]!.text);
    await waitUntil(() => into.shadowRoot!.querySelector('[role=status]')!.textContent!.startsWith('Restored'));
    expect(into.shadowRoot!.querySelector('[role=status]')!.textContent).to.equal('Restored: 1 clients, 1 interviews, 1 answers.');
    expect((await target.getAnswers('i1')).map((a) => [a.itemId, a.value])).to.deep.equal([['H_DAYS', 4]]);
    expect(await target.verifyAuditLog('i1')).to.deep.equal({ ok: true });
    await expect(into).to.be.accessible();
  });

  it('refuses a broken backup, lists the problems with their paths, and writes nothing', async () => {
    const target = createMemoryStore();
    const el = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="en" .store=${target}></asi-data-exchange>`);
    chooseFile(el, 'bad.json', JSON.stringify({ format: 'asi-interview-bundle', formatVersion: 1, exportedAt: 'x', instruments: [], clients: [{ id: 1 }], interviews: [], answers: [], audit: [], scores: [] }));
    await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'no problems shown');
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('clients[0]');
    expect(await target.listClients()).to.have.length(0);
  });
});

describe('<asi-data-exchange> encrypted backups and checks before export', () => {
  it('seals a backup with a passphrase; restoring asks for it, refuses a wrong one and writes nothing until it is right', async () => {
    const source = await sourceStore();
    const out = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="en" .store=${source}></asi-data-exchange>`);
    const form = out.shadowRoot!.querySelector<HTMLFormElement>('form.sealed')!;
    form.querySelector<HTMLInputElement>('[name=passphrase]')!.value = 'kort';
    form.querySelector<HTMLInputElement>('[name=repeat]')!.value = 'kort';
    form.requestSubmit();
    await waitUntil(() => out.shadowRoot!.querySelector('[role=alert]'), 'short passphrase accepted');
    expect(out.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('at least 10 characters');

    const files = await capture(async () => {
      form.querySelector<HTMLInputElement>('[name=passphrase]')!.value = 'enhetens backup 2026';
      form.querySelector<HTMLInputElement>('[name=repeat]')!.value = 'enhetens backup 2026';
      form.requestSubmit();
      await waitUntil(() => out.shadowRoot!.querySelector('[role=status]')!.textContent!.startsWith('Saved'), 'not saved', { timeout: 20000 });
    });
    expect(files).to.have.length(1);
    expect(files[0]!.name).to.match(/^asi-interview-backup-\d{4}-\d{2}-\d{2}\.encrypted\.json$/);
    expect(files[0]!.text).not.to.contain('K-1');
    expect(files[0]!.text).not.to.contain('H_DAYS');
    // The passphrase is not left in the form.
    expect(form.querySelector<HTMLInputElement>('[name=passphrase]')!.value).to.equal('');

    const target = createMemoryStore();
    const into = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="en" .store=${target}></asi-data-exchange>`);
    const alert = () => into.shadowRoot!.querySelector('[role=alert]')?.textContent ?? '';
    chooseFile(into, files[0]!.name, files[0]!.text);
    await waitUntil(() => alert().includes('enter its passphrase'), 'no passphrase asked for');
    chooseFile(into, files[0]!.name, files[0]!.text, 'inte rätt lösenfras');
    await waitUntil(() => alert().includes('Wrong passphrase'), 'wrong passphrase not reported', { timeout: 20000 });
    expect(await target.listClients()).to.have.length(0);
    chooseFile(into, files[0]!.name, files[0]!.text, 'enhetens backup 2026');
    await waitUntil(() => into.shadowRoot!.querySelector('[role=status]')!.textContent!.startsWith('Restored'), 'not restored', { timeout: 20000 });
    expect((await target.getAnswers('i1')).map((a) => [a.itemId, a.value])).to.deep.equal([['H_DAYS', 4]]);
    await expect(into).to.be.accessible();
  });

  it('warns in plain words what an unencrypted export exposes', async () => {
    const el = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="sv" .store=${createMemoryStore()}></asi-data-exchange>`);
    expect(el.shadowRoot!.querySelector('.warning')!.textContent).to.contain('klientkoder, alla svar och fritext i klartext');
  });

  it('stops an export when an interview no longer matches its audit trail, naming it, and downloads nothing', async () => {
    const source = await sourceStore();
    memoryStoreRecords(source)!.answers.get('i1')!.get('H_DAYS')!.value = 9;
    const el = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="en" .store=${source}></asi-data-exchange>`);
    const files = await capture(async () => {
      [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('CSV'))!.click();
      await waitUntil(() => el.shadowRoot!.querySelector('[role=alert]'), 'export not stopped');
    });
    expect(files).to.have.length(0);
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('The export was stopped: interview i1 does not match its audit trail (The stored answer to H_DAYS');
  });
});

describe('<asi-data-exchange> demo data', () => {
  it('adds simulated ASI clients with two completed-or-partial rounds that the group report can use', async () => {
    const store = createMemoryStore();
    const el = await fixture<AsiDataExchange>(html`<asi-data-exchange lang="en" demo-clients="5" .store=${store}></asi-data-exchange>`);
    [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('made-up'))!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('[role=status]')!.textContent!.startsWith('Restored'), 'demo data not added', { timeout: 20000 });
    const clients = await store.listClients();
    expect(clients).to.have.length(5);
    expect(clients.every((c) => c.code.startsWith('SIM-'))).to.be.true;
    const interviews = await store.listInterviews();
    expect(interviews.filter((i) => i.instrumentId === 'asi')).to.have.length(10);
  });
});
