// <asi-group-report>: how a unit's clients changed between their first and last completed rounds, filterable, with CSV.
import { LitElement, css, html, nothing, svg } from 'lit';
import { property, state } from 'lit/decorators.js';
import { builtinDefinition } from '../../core/definition/builtin.js';
import type { CompiledInstrument } from '../../core/definition/compiled.js';
import { loadInstrument } from '../../core/definition/load.js';
import type { Language } from '../../core/definition/text.js';
import type { ChangeOverrides } from '../../core/scoring/change.js';
import { DEFAULT_AGE_BANDS, groupBy, groupReport, type GroupData, type GroupFilter, type GroupKey, type GroupReport } from '../../core/scoring/group.js';
import { groupReportCsv } from '../../core/scoring/group-table.js';
import type { InterviewStore, Sex } from '../../core/storage/types.js';
import { defaultStore } from '../default-store.js';
import { downloadText } from '../download.js';
import { errorMessage, t } from '../i18n.js';

const SEXES: Sex[] = ['female', 'male', 'other', 'unknown'];

/**
 * @summary Group report over all clients or a filter (sex, age band, primary substance, date range, interval between
 * rounds): n, mean at the first and last round, mean change, improved/unchanged/worsened by reliable change, missing.
 * Reads the store unless `data` (e.g. an imported bundle) is given. The table downloads as CSV.
 * @csspart form @csspart table @csspart chart
 */
export class AsiGroupReport extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--asi-font-family, system-ui, sans-serif);
      color: var(--asi-text-color, #111827);
    }
    form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem 1.5rem;
      align-items: end;
    }
    fieldset {
      border: 1px solid var(--asi-border-color, #d1d5db);
      border-radius: var(--asi-radius, 6px);
    }
    label {
      display: inline-flex;
      gap: 0.3rem;
      align-items: center;
      margin-inline-end: 0.6rem;
    }
    input,
    select,
    button {
      font: inherit;
      padding: 0.3rem 0.5rem;
      border-radius: var(--asi-radius, 6px);
      border: 1px solid var(--asi-border-color, #6b7280);
    }
    :focus-visible {
      outline: 3px solid var(--asi-focus-color, #1d4ed8);
      outline-offset: 2px;
    }
    table {
      border-collapse: collapse;
      margin-block: 0.75rem;
    }
    th,
    td {
      text-align: start;
      padding: 0.3rem 0.6rem;
      border-block-end: 1px solid var(--asi-border-color, #d1d5db);
    }
    td.number {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
    svg {
      inline-size: 100%;
      max-inline-size: 46rem;
      block-size: auto;
    }
    .label,
    .value {
      font-size: 12px;
      fill: currentColor;
    }
    .note {
      color: var(--asi-muted-color, #4a5563);
      font-size: 0.875rem;
    }
  `;

  @property({ attribute: false }) store?: InterviewStore;
  /** Built-in instrument id, or a compiled instrument. */
  @property() instrument: string | CompiledInstrument = 'asi';
  /** Records to report on instead of the store (e.g. a merged bundle from several units). */
  @property({ attribute: false }) data?: GroupData;
  @property({ attribute: false }) filter: GroupFilter = {};
  @property({ attribute: 'group-by' }) groupByKey: GroupKey | '' = '';
  @property({ attribute: false }) overrides: ChangeOverrides = {};
  @property({ reflect: true }) override lang: Language = 'sv';

  @state() private compiled?: CompiledInstrument;
  @state() private loaded?: GroupData;
  /** Why the report cannot be shown; rendered in the current language (a StorageError by its code). */
  @state() private error: unknown = null;

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('instrument') || changed.has('store') || changed.has('data')) void this.load();
  }

  private async load(): Promise<void> {
    try {
      const instrument = typeof this.instrument === 'string' ? loadInstrument(await builtinDefinition(this.instrument)) : this.instrument;
      const data = this.data ?? (await this.fromStore(instrument.id));
      this.compiled = instrument;
      this.loaded = data;
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  /** Clients, the instrument's completed interviews and their scores; answers only for the substance item. */
  private async fromStore(instrumentId: string): Promise<GroupData> {
    const store = this.store ?? (await defaultStore());
    const interviews = (await store.listInterviews()).filter((i) => i.instrumentId === instrumentId && i.status === 'completed');
    const scores = (await Promise.all(interviews.map((i) => store.getScores(i.id)))).flat();
    const answers = (await Promise.all(interviews.map((i) => store.getAnswers(i.id)))).flat().filter((a) => a.itemId === 'D14');
    return { clients: await store.listClients(), interviews, scores, answers };
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const num = (k: string) => (form.get(k) === '' || form.get(k) === null ? undefined : Number(form.get(k)));
    const list = <T>(k: string, map: (v: string) => T) => (form.getAll(k).length ? form.getAll(k).map((v) => map(String(v))) : undefined);
    const min = num('intervalMin');
    const max = num('intervalMax');
    const filter: GroupFilter = {
      ...(list('sex', (v) => v as Sex) ? { sex: list('sex', (v) => v as Sex)! } : {}),
      ...(list('age', String) ? { ageBands: list('age', String)! } : {}),
      ...(list('substance', Number) ? { primarySubstance: list('substance', Number)! } : {}),
      ...(form.get('from') ? { from: String(form.get('from')) } : {}),
      ...(form.get('to') ? { to: String(form.get('to')) } : {}),
      ...(list('version', String) ? { instrumentVersions: list('version', String)! } : {}),
      ...(min !== undefined || max !== undefined ? { intervalMonths: { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } } : {}),
    };
    this.filter = filter;
    this.groupByKey = (form.get('groupBy') as GroupKey | '') ?? '';
  }

  private download(report: GroupReport): void {
    // With a byte-order mark, so that spreadsheet programs read the file as UTF-8 (å, ä, ö).
    downloadText(`${this.compiled!.id}-group-report.csv`, `\ufeff${groupReportCsv(report, this.compiled!, this.lang)}`, 'text/csv;charset=utf-8');
  }

  private table(report: GroupReport) {
    const lang = this.lang;
    const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3));
    const share = (k: number | null, n: number) => (k === null ? '–' : `${k} (${n ? Math.round((100 * k) / n) : 0} %)`);
    return html`<table part="table">
      <thead>
        <tr>
          <th scope="col">${t(lang, 'score')}</th><th scope="col">${t(lang, 'n')}</th><th scope="col">${t(lang, 'meanFirst')}</th>
          <th scope="col">${t(lang, 'meanLast')}</th><th scope="col">${t(lang, 'meanChange')}</th><th scope="col">${t(lang, 'improved')}</th>
          <th scope="col">${t(lang, 'unchanged')}</th><th scope="col">${t(lang, 'worsened')}</th><th scope="col">${t(lang, 'missingCount')}</th>
        </tr>
      </thead>
      <tbody>
        ${Object.entries(report.scores).map(
          ([id, s]) => html`<tr>
            <th scope="row">${this.compiled!.scores.find((x) => x.id === id)?.def.title[lang] ?? id}</th>
            <td class="number">${s.n}</td><td class="number">${fmt(s.meanFirst)}</td><td class="number">${fmt(s.meanLast)}</td>
            <td class="number">${s.meanChange === null ? '–' : `${s.meanChange > 0 ? '+' : ''}${s.meanChange.toFixed(3)}`}</td>
            <td class="number">${share(s.improved, s.n)}</td><td class="number">${share(s.unchanged, s.n)}</td>
            <td class="number">${share(s.worsened, s.n)}</td><td class="number">${s.missing}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private chart(report: GroupReport) {
    const entries = Object.entries(report.scores);
    const label = 160;
    const width = 400;
    const height = entries.length * 30 + 6;
    return svg`<svg part="chart" viewBox="0 0 ${label + width + 60} ${height}" role="img" aria-label=${`${t(this.lang, 'meanFirst')} / ${t(this.lang, 'meanLast')}`}>
      ${entries.map(([id, s], i) => {
        const y = i * 30 + 3;
        const bar = (v: number | null, dy: number, fill: string) =>
          v === null ? nothing : svg`<rect x=${label} y=${y + dy} height="11" width=${Math.max(1, Math.min(1.1, Math.max(0, v)) * width)} fill=${fill}></rect>
            <text class="value" x=${label + Math.min(1.1, Math.max(0, v)) * width + 4} y=${y + dy + 10}>${v.toFixed(2)}</text>`;
        return svg`<text class="label" x="0" y=${y + 15}>${this.compiled!.scores.find((x) => x.id === id)?.def.title[this.lang] ?? id}</text>
          ${bar(s.meanFirst, 0, '#93c5fd')}${bar(s.meanLast, 13, '#1d4ed8')}`;
      })}
    </svg>`;
  }

  protected override render() {
    const lang = this.lang;
    if (this.error) return html`<p role="alert">${errorMessage(this.lang, this.error)}</p>`;
    const instrument = this.compiled;
    const data = this.loaded;
    if (!instrument || !data) return html`<p role="status">${t(lang, 'loading')}</p>`;
    const report = groupReport(data, instrument, this.filter, { overrides: this.overrides });
    const grouped = this.groupByKey ? groupBy(this.groupByKey, data, instrument, this.filter, { overrides: this.overrides }) : undefined;
    const substance = instrument.item('D14');
    const versions = [...new Set(data.interviews.filter((i) => i.instrumentId === instrument.id).map((i) => i.instrumentVersion))].sort();
    const notes = Object.values(report.parameters).filter((p) => p.note);
    return html`
      <h2>${t(lang, 'groupReport')}: ${instrument.def.title[lang]}</h2>
      <form part="form" @submit=${this.onSubmit}>
        <fieldset><legend>${t(lang, 'sex')}</legend>
          ${SEXES.map((s) => html`<label><input type="checkbox" name="sex" value=${s} ?checked=${this.filter.sex?.includes(s)} />${t(lang, s === 'unknown' ? 'unknownSex' : s)}</label>`)}
        </fieldset>
        <fieldset><legend>${t(lang, 'ageBand')}</legend>
          ${DEFAULT_AGE_BANDS.map((b) => html`<label><input type="checkbox" name="age" value=${b} ?checked=${this.filter.ageBands?.includes(b)} />${b}</label>`)}
        </fieldset>
        ${substance?.options
          ? html`<label>${t(lang, 'primarySubstance')}
              <select name="substance" multiple size="4">
                ${substance.options.map((o) => html`<option value=${o.value} ?selected=${this.filter.primarySubstance?.includes(o.value)}>${o.value} ${o.label[lang]}</option>`)}
              </select></label>`
          : nothing}
        ${versions.length > 1
          ? html`<fieldset><legend>${t(lang, 'instrumentVersion')}</legend>
              ${versions.map((v) => html`<label><input type="checkbox" name="version" value=${v} ?checked=${this.filter.instrumentVersions?.includes(v)} />${v}</label>`)}
            </fieldset>`
          : nothing}
        <label>${t(lang, 'from')} <input type="date" name="from" .value=${this.filter.from ?? ''} /></label>
        <label>${t(lang, 'to')} <input type="date" name="to" .value=${this.filter.to ?? ''} /></label>
        <label>${t(lang, 'intervalMin')} <input type="number" min="0" name="intervalMin" size="4" .value=${String(this.filter.intervalMonths?.min ?? '')} /></label>
        <label>${t(lang, 'intervalMax')} <input type="number" min="0" name="intervalMax" size="4" .value=${String(this.filter.intervalMonths?.max ?? '')} /></label>
        <label>${t(lang, 'groupBy')}
          <select name="groupBy">
            ${(['', 'sex', 'age', 'substance'] as const).map(
              (k) => html`<option value=${k} ?selected=${this.groupByKey === k}>${t(lang, k === '' ? 'none' : k === 'sex' ? 'sex' : k === 'age' ? 'ageBand' : 'primarySubstance')}</option>`,
            )}
          </select></label>
        <button type="submit">${t(lang, 'apply')}</button>
      </form>
      <p role="status">${t(lang, 'clientsInFilter', { count: report.clients })}</p>
      ${this.chart(report)}
      ${this.table(report)}
      ${notes.map((p) => html`<p class="note">${p.score}: ${p.note![lang]}</p>`)}
      <button @click=${() => this.download(report)}>${t(lang, 'downloadCsv')}</button>
      ${grouped
        ? grouped.groups.map((g) => html`<h3>${t(lang, 'group')}: ${g.group}</h3>${this.table(g.report)}`)
        : nothing}
    `;
  }
}
