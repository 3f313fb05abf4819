// <asi-data-exchange>: export (JSON backup, CSV with codebook, FHIR R4) and restore from a backup, all in the browser.
import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { builtinDefinition } from '../../core/definition/builtin.js';
import type { CompiledInstrument } from '../../core/definition/compiled.js';
import { loadInstrument } from '../../core/definition/load.js';
import type { Language } from '../../core/definition/text.js';
import { exportBundle, importBundle, parseBundle, BundleError, type Bundle } from '../../core/exchange/bundle.js';
import { exportCodebook, exportCsv } from '../../core/exchange/csv.js';
import { toQuestionnaire, toQuestionnaireResponseBundle } from '../../core/exchange/fhir.js';
import { isSealedBundle, openSealedBundle, sealBundle } from '../../core/exchange/sealed-bundle.js';
import { MIN_PASSPHRASE_LENGTH } from '../../core/protection/unit-key.js';
import { ProtectionError } from '../../core/protection/errors.js';
import type { InterviewStore } from '../../core/storage/types.js';
import type { IdbInterviewStore } from '../../core/storage/idb-store.js';
import { nowWithOffset } from '../../core/storage/audit-chain.js';
import { simulateBundle } from '../../core/simulation/simulate.js';
import { defaultStore } from '../default-store.js';
import { downloadText } from '../download.js';
import { formStyles } from '../form.styles.js';
import { errorMessage, integrityLine, t } from '../i18n.js';

export interface AsiImportDetail {
  clients: number;
  interviews: number;
  answers: number;
}

declare global {
  interface HTMLElementEventMap {
    'asi-import': CustomEvent<AsiImportDetail>;
  }
}

/**
 * @summary Exports the store (or some clients) as a lossless JSON backup, a CSV table per instrument with its codebook,
 * or FHIR R4; restores a backup after checking all of it. Files are made in the browser and nothing is uploaded.
 * @fires asi-import - A backup was restored.
 * @csspart export @csspart import
 */
export class AsiDataExchange extends LitElement {
  static override styles = [
    formStyles,
    css`
      section {
        margin-block-end: 1.5rem;
      }
      .warning {
        border-inline-start: 4px solid #b45309;
        padding-inline-start: 0.6rem;
      }
      form.sealed {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
        margin-block-end: 1rem;
      }
      form.sealed h3,
      form.sealed p {
        flex-basis: 100%;
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) store?: InterviewStore;
  /** Export only these clients (default: everything). */
  @property({ attribute: false }) clientIds?: string[];
  @property({ type: Boolean, attribute: 'no-import' }) noImport = false;
  /** Offer to add simulated clients (for demonstrations and training); 0 hides the offer. */
  @property({ type: Number, attribute: 'demo-clients' }) demoClients = 0;
  /** Seed of the simulated clients; by default a new one each time, so that adding demo data twice never collides. */
  @property({ attribute: 'demo-seed' }) demoSeed = '';
  @state() private busy = false;
  @property({ reflect: true }) override lang: Language = 'sv';

  @state() private message = '';
  @state() private problems: { path: string; message: string }[] = [];
  /** A failure that is not a problem at a path of the bundle (mostly the store's): shown in the current language. */
  @state() private failure: { action: 'import' | 'export'; error: unknown } | null = null;

  private fail(action: 'import' | 'export', error: unknown): void {
    if (action === 'import' && error instanceof BundleError) this.problems = error.problems;
    else this.failure = { action, error };
  }

  /** Runs an export from a button, so that a failing read is shown instead of lost as an unhandled rejection. */
  private async exporting(run: () => Promise<void>): Promise<void> {
    this.failure = null;
    try {
      await run.call(this);
    } catch (error) {
      this.fail('export', error);
    }
  }

  private async getStore(): Promise<InterviewStore> {
    return this.store ?? (await defaultStore());
  }

  /**
   * The bundle to export, after checking every interview in it against its audit trail: a backup of data that was
   * changed behind the app's back would carry the change on as if it were the record, so it stops here instead.
   */
  private async bundle(): Promise<Bundle> {
    const store = await this.getStore();
    const bundle = await exportBundle(store, this.clientIds ? { clientIds: this.clientIds } : {});
    this.message = t(this.lang, 'exportChecking');
    for (const interview of bundle.interviews) {
      const report = await store.verifyInterview(interview.id);
      if (!report.ok) {
        this.message = '';
        throw new Error(t(this.lang, 'exportIntegrity', { id: interview.id, problem: integrityLine(this.lang, report.problems[0]!) }));
      }
    }
    this.message = '';
    return bundle;
  }

  /** The built-in instruments the bundle's interviews were taken with (one CSV and one Questionnaire each). */
  private async instruments(bundle: Bundle): Promise<CompiledInstrument[]> {
    const ids = [...new Set(bundle.interviews.map((i) => i.instrumentId))];
    return Promise.all(ids.map(async (id) => loadInstrument(await builtinDefinition(id))));
  }

  private save(name: string, text: string, type: string): void {
    downloadText(name, text, type);
    this.message = t(this.lang, 'exported', { file: name });
  }

  private stamp(): string {
    return new Date().toISOString().slice(0, 10);
  }

  private async exportJson(): Promise<void> {
    this.save(`asi-interview-backup-${this.stamp()}.json`, JSON.stringify(await this.bundle()), 'application/json');
    await this.noteBackup();
  }

  /** A backup of everything is remembered (when the store keeps settings), so the app can remind when it is old. */
  private async noteBackup(): Promise<void> {
    if (this.clientIds) return;
    const store = (await this.getStore()) as Partial<IdbInterviewStore>;
    await store.updateSettings?.({ lastBackupAt: nowWithOffset() });
  }

  private async exportSealed(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const passphrase = String(data.get('passphrase') ?? '');
    if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) throw new Error(t(this.lang, 'passphraseShort'));
    if (passphrase !== String(data.get('repeat') ?? '')) throw new Error(t(this.lang, 'passphraseMismatch'));
    const text = await sealBundle(await this.bundle(), passphrase);
    form.reset();
    this.save(`asi-interview-backup-${this.stamp()}.encrypted.json`, text, 'application/json');
    await this.noteBackup();
  }

  private async exportCsv(): Promise<void> {
    const bundle = await this.bundle();
    for (const instrument of await this.instruments(bundle)) {
      this.save(`${instrument.id}-${this.stamp()}.csv`, exportCsv(bundle, instrument, { lang: this.lang }), 'text/csv;charset=utf-8');
      this.save(`${instrument.id}-codebook-${this.lang}.csv`, exportCodebook(instrument, this.lang), 'text/csv;charset=utf-8');
    }
  }

  private async exportFhir(): Promise<void> {
    const bundle = await this.bundle();
    const instruments = await this.instruments(bundle);
    for (const instrument of instruments) this.save(`Questionnaire-${instrument.id}.json`, JSON.stringify(toQuestionnaire(instrument, { lang: this.lang }), null, 2), 'application/fhir+json');
    this.save(`QuestionnaireResponses-${this.stamp()}.json`, JSON.stringify(toQuestionnaireResponseBundle(bundle, instruments, { lang: this.lang }), null, 2), 'application/fhir+json');
  }

  private async onImport(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    // Read the form now: once the event has been dispatched, a shadow-tree target is cleared (it reads as null).
    const data = new FormData(event.target as HTMLFormElement);
    const file = (data.get('file') as File | null) ?? undefined;
    if (!file || file.size === 0) return;
    this.message = '';
    this.problems = [];
    this.failure = null;
    let text = await file.text();
    if (isSealedBundle(text)) {
      const passphrase = String(data.get('passphrase') ?? '');
      if (!passphrase) {
        this.failure = { action: 'import', error: new Error(t(this.lang, 'importSealed')) };
        return;
      }
      try {
        text = await openSealedBundle(text, passphrase);
      } catch (error) {
        const code = error instanceof ProtectionError ? error.code : '';
        const shown = code === 'wrong-passphrase' ? t(this.lang, 'passphraseWrong') : code === 'integrity' ? t(this.lang, 'importSealedDamaged') : error;
        this.failure = { action: 'import', error: shown instanceof Error ? shown : new Error(String(shown)) };
        return;
      }
    }
    const parsed = await parseBundle(text);
    if (!parsed.ok) {
      this.problems = parsed.problems;
      return;
    }
    try {
      const done = await importBundle(await this.getStore(), parsed.bundle);
      this.message = t(this.lang, 'importDone', { clients: done.clients, interviews: done.interviews, answers: done.answers });
      this.dispatchEvent(new CustomEvent<AsiImportDetail>('asi-import', { detail: done, bubbles: true, composed: true }));
    } catch (error) {
      this.fail('import', error);
    }
  }

  /** Simulated ASI clients with a Grund and an Uppföljning, written like any other import. */
  private async loadDemo(): Promise<void> {
    this.busy = true;
    this.problems = [];
    this.failure = null;
    this.message = t(this.lang, 'demoDataBusy');
    try {
      const instrument = loadInstrument(await builtinDefinition('asi'));
      const bundle = await simulateBundle({ instrument, clients: this.demoClients, rounds: ['grund', 'uppfoljning'], seed: this.demoSeed || `demo-${Date.now()}` });
      const done = await importBundle(await this.getStore(), bundle);
      this.message = t(this.lang, 'importDone', { clients: done.clients, interviews: done.interviews, answers: done.answers });
      this.dispatchEvent(new CustomEvent<AsiImportDetail>('asi-import', { detail: done, bubbles: true, composed: true }));
    } catch (error) {
      this.message = '';
      this.fail('import', error);
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const lang = this.lang;
    return html`
      <section part="export" aria-labelledby="export">
        <h2 id="export">${t(lang, 'exportTitle')}: ${this.clientIds ? t(lang, 'exportScopeSome', { count: this.clientIds.length }) : t(lang, 'exportScopeAll')}</h2>
        <form class="sealed" aria-labelledby="sealed" @submit=${(e: SubmitEvent) => this.exporting(() => this.exportSealed(e))}>
          <h3 id="sealed">${t(lang, 'exportSealed')}</h3>
          <p class="note">${t(lang, 'exportSealedHelp')}</p>
          <label>${t(lang, 'passphrase')} <input type="password" name="passphrase" autocomplete="new-password" required /></label>
          <label>${t(lang, 'passphraseRepeat')} <input type="password" name="repeat" autocomplete="new-password" required /></label>
          <button type="submit">${t(lang, 'exportSealedButton')}</button>
        </form>
        <p class="warning" id="plain-warning">${t(lang, 'exportPlainWarning')}</p>
        <div class="buttons">
          <button aria-describedby="plain-warning" @click=${() => this.exporting(this.exportJson)}>${t(lang, 'exportJson')}</button>
          <button aria-describedby="plain-warning" @click=${() => this.exporting(this.exportCsv)}>${t(lang, 'exportCsv')}</button>
          <button aria-describedby="plain-warning" @click=${() => this.exporting(this.exportFhir)}>${t(lang, 'exportFhir')}</button>
        </div>
        <p class="note">${t(lang, 'privacyNote')}</p>
      </section>
      ${this.noImport
        ? nothing
        : html`<section part="import" aria-labelledby="import">
            <h2 id="import">${t(lang, 'importTitle')}</h2>
            <p class="note">${t(lang, 'importHelp')}</p>
            <form @submit=${this.onImport}>
              <label>${t(lang, 'importFile')} <input type="file" name="file" accept="application/json,.json" /></label>
              <label>${t(lang, 'importPassphrase')} <input type="password" name="passphrase" autocomplete="off" /></label>
              <button type="submit">${t(lang, 'importTitle')}</button>
            </form>
          </section>`}
      ${this.demoClients > 0
        ? html`<section aria-labelledby="demo">
            <h2 id="demo">${t(lang, 'demoData')}</h2>
            <p class="note">${t(lang, 'demoDataHelp')}</p>
            <button ?disabled=${this.busy} @click=${this.loadDemo}>${t(lang, 'demoDataLoad', { count: this.demoClients })}</button>
          </section>`
        : nothing}
      <div role="status">${this.message}</div>
      ${this.problems.length
        ? html`<div class="error" role="alert">
            <p>${t(lang, 'importFailed')}</p>
            <ul>${this.problems.map((p) => html`<li><code>${p.path || '(document)'}</code>: ${p.message}</li>`)}</ul>
          </div>`
        : nothing}
      ${this.failure
        ? html`<div class="error" role="alert">
            <p>${t(lang, this.failure.action === 'import' ? 'importNothing' : 'exportFailed')} ${errorMessage(lang, this.failure.error)}</p>
          </div>`
        : nothing}
    `;
  }
}
