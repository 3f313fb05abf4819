// <asi-comparison>: two or more rounds of one client side by side per area, with change, direction and reliable change,
// each score and rating on its own range, and per round what the score's cut-offs say.
import { LitElement, css, html, nothing, svg } from 'lit';
import { property, state } from 'lit/decorators.js';
import { builtinDefinition } from '../../core/definition/builtin.js';
import { formatAnswer, type CompiledInstrument } from '../../core/definition/compiled.js';
import { loadInstrument } from '../../core/definition/load.js';
import type { Language } from '../../core/definition/text.js';
import type { AnswerValue } from '../../core/definition/values.js';
import { compareInterviews, type ChangeOverrides, type ChangeResult, type InterviewComparison, type MeasureComparison } from '../../core/scoring/change.js';
import { interpretScore, scoreRange, type MeasureRange } from '../../core/scoring/cutoffs.js';
import type { InterviewStore, Sex } from '../../core/storage/types.js';
import { defaultStore } from '../default-store.js';
import { errorMessage, t } from '../i18n.js';
import { cutoffText, formatScore, hasCutoffs, ratingSeries } from '../profile/asi-profile.js';

const SERIES = ['#93c5fd', '#1d4ed8', '#1e3a8a', '#0f172a'];

/**
 * @summary Compares completed rounds of one client (e.g. intake and follow-up) per area: scores and ratings in each
 * round, the difference, its direction in plain words, and reliable change (RCI) where SD and reliability are known.
 * SD defaults to the standard deviation of first-round scores in this store (the unit's own sample).
 * Scores and ratings are drawn on their own ranges (as in <asi-profile>); for scores with cut-offs each round says
 * which it falls in, for the client's sex as stored (sex-specific cut-offs only for female or male).
 * @csspart chart @csspart table
 */
export class AsiComparison extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--asi-font-family, system-ui, sans-serif);
      color: var(--asi-text-color, #111827);
    }
    table {
      border-collapse: collapse;
      margin-block: 0.5rem 1.5rem;
      inline-size: 100%;
    }
    th,
    td {
      text-align: start;
      padding: 0.3rem 0.6rem;
      border-block-end: 1px solid var(--asi-border-color, #d1d5db);
      vertical-align: top;
    }
    td.number {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
    .better {
      color: var(--asi-better-color, #065f46);
      font-weight: 600;
    }
    .worse {
      color: var(--asi-worse-color, #b91c1c);
      font-weight: 600;
    }
    .muted {
      color: var(--asi-muted-color, #4a5563);
      font-size: 0.875rem;
    }
    .cutoff {
      text-align: start;
      font-variant-numeric: normal;
      font-size: 0.875rem;
    }
    .cutoff ul {
      margin: 0;
      padding-inline-start: 1.1em;
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
    .legend {
      display: flex;
      gap: 1rem;
      flex-wrap: wrap;
      font-size: 0.875rem;
    }
    .swatch {
      display: inline-block;
      inline-size: 0.9em;
      block-size: 0.9em;
      margin-inline-end: 0.3em;
    }
    button {
      font: inherit;
      padding: 0.35rem 0.8rem;
      border-radius: var(--asi-radius, 6px);
      border: 1px solid var(--asi-border-color, #6b7280);
      background: #fff;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 3px solid var(--asi-focus-color, #1d4ed8);
    }
    .error {
      color: var(--asi-error-color, #b91c1c);
    }
    @media print {
      button {
        display: none;
      }
    }
  `;

  @property({ attribute: false }) store?: InterviewStore;
  /** Completed interviews of one client and one instrument (space-separated ids as an attribute). */
  @property({
    attribute: 'interview-ids',
    converter: { fromAttribute: (v: string | null) => (v ?? '').split(/[\s,]+/).filter(Boolean), toAttribute: (v: string[]) => v.join(' ') },
  })
  interviewIds: string[] = [];
  /** SD and reliability per score, overriding the definition and the sample (e.g. from the unit's own study). */
  @property({ attribute: false }) overrides: ChangeOverrides = {};
  @property({ reflect: true }) override lang: Language = 'sv';

  @state() private comparison?: InterviewComparison;
  @state() private instrument?: CompiledInstrument;
  /** The client's sex as stored, for sex-specific cut-offs; undefined when the client record is not in the store. */
  @state() private sex?: Sex;
  /** Why the comparison cannot be shown; rendered in the current language (a StorageError by its code). */
  @state() private error: unknown = null;

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('interviewIds') || changed.has('store') || changed.has('overrides')) void this.load();
  }

  private async load(): Promise<void> {
    if (this.interviewIds.length < 2) return;
    try {
      const store = this.store ?? (await defaultStore());
      const records = await Promise.all(this.interviewIds.map((id) => store.getInterview(id)));
      const missing = this.interviewIds.filter((_, i) => !records[i]);
      if (missing.length) throw new Error(`No interview ${missing.join(', ')} in this store`);
      const first = records[0]!;
      if (records.some((r) => r!.instrumentId !== first.instrumentId || r!.clientId !== first.clientId))
        throw new Error('Only rounds of one client and one instrument can be compared');
      const instrument = loadInstrument(await builtinDefinition(first.instrumentId));
      const client = await store.getClient(first.clientId);
      const rounds = await Promise.all(
        records.map(async (interview) => ({
          interview: interview!,
          scores: await store.getScores(interview!.id),
          answers: Object.fromEntries((await store.getAnswers(interview!.id)).map((a) => [a.itemId, a.value])) as Record<string, AnswerValue>,
        })),
      );
      this.instrument = instrument;
      this.sex = client?.sex;
      this.comparison = compareInterviews(instrument, rounds, { overrides: this.overrides, sample: await this.sample(store, first.instrumentId) });
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  /** First completed round of every client in the store: the unit's own sample for the default SD. */
  private async sample(store: InterviewStore, instrumentId: string): Promise<Record<string, number[]>> {
    const firsts = new Map<string, { id: string; startedAt: string }>();
    for (const i of await store.listInterviews())
      if (i.instrumentId === instrumentId && i.status === 'completed') {
        const seen = firsts.get(i.clientId);
        if (!seen || i.startedAt < seen.startedAt) firsts.set(i.clientId, i);
      }
    const sample: Record<string, number[]> = {};
    for (const { id } of firsts.values())
      for (const s of await store.getScores(id)) if (s.value !== null) (sample[s.scoreId] ??= []).push(s.value);
    return sample;
  }

  private changeText(change: ChangeResult): { text: string; cls: string } {
    const lang = this.lang;
    if (change.status === 'not-computable')
      return { text: t(lang, change.reason === 'first-missing' ? 'notComputableFirst' : change.reason === 'last-missing' ? 'notComputableLast' : 'notComputableBoth'), cls: 'muted' };
    return { text: t(lang, change.direction), cls: change.direction === 'unchanged' ? '' : change.direction };
  }

  private rciText(m: MeasureComparison): string {
    const lang = this.lang;
    const c = m.change;
    if (c.status !== 'ok') return '';
    if (c.rciStatus === 'not-applicable') return t(lang, 'rciNotApplicable');
    if (c.rciStatus === 'not-configured' || c.rci === null) return t(lang, 'rciNotConfigured');
    return `${c.rci.toFixed(2)} · ${t(lang, c.reliable ? 'reliable' : 'withinError')}`;
  }

  private measureTitle(m: MeasureComparison): string {
    const instrument = this.instrument!;
    if (m.kind === 'score') return instrument.scores.find((s) => s.id === m.id)?.def.title[this.lang] ?? m.id;
    // The rating's own scale ("Youth rating: worry 0–3"), not a fixed "interviewer rating (0–9)": ADAD has three.
    return `${m.id} ${ratingSeries(instrument, m.id, this.lang).title}`;
  }

  /** The range a measure is drawn on: the score's declared range (default 0–1), the rating's option values. */
  private range(m: MeasureComparison): MeasureRange {
    return m.kind === 'score' ? scoreRange(this.instrument!, m.id) : ratingSeries(this.instrument!, m.id, this.lang).range;
  }

  private format(m: MeasureComparison, v: number | null, short = false): string {
    return v === null ? '–' : m.kind === 'score' ? formatScore(this.instrument!, m.id, v, short) : String(v);
  }

  private chart(comparison: InterviewComparison) {
    const lang = this.lang;
    // Every score and every rating of an area (ADAD has only ratings, three per area), each on its own range.
    const rows = comparison.areas.flatMap((a) =>
      [...a.scores, ...a.ratings].map((m, i) => ({
        area: i === 0 ? a.title[lang] : '',
        // The id, short enough for the label column; the table beside it gives the full title and scale.
        name: m.id,
        m,
        range: this.range(m),
      })),
    );
    const n = comparison.rounds.length;
    const label = 190;
    const width = 400;
    const rowHeight = Math.max(12 * n, 24) + 14;
    const height = rows.length * rowHeight + 10;
    return svg`<svg part="chart" viewBox="0 0 ${label + width + 80} ${height}" role="img" aria-label=${t(lang, 'comparison')}>
      ${rows.map(({ area, name, m, range }, r) => {
        const y = r * rowHeight + 4;
        return svg`<text class="label" x="0" y=${y + 10}>${area}</text>
          <text class="value" x="0" y=${y + 24}>${name}</text>
          ${m.values.map((v, i) => {
            if (v.value === null) return svg`<text class="value" x=${label} y=${y + i * 12 + 10}>–</text>`;
            const f = Math.min(1.1, Math.max(0, (v.value - range.min) / (range.max - range.min)));
            return svg`<rect x=${label} y=${y + i * 12} height="10" width=${Math.max(1, f * width)} fill=${SERIES[i % SERIES.length]}></rect>
              <text class="value" x=${label + f * width + 4} y=${y + i * 12 + 9}>${this.format(m, v.value, true)} / ${range.max}</text>`;
          })}`;
      })}
    </svg>`;
  }

  /** Per round, what a score's cut-offs say: the labels it falls in, or "below the cut-off". */
  private cutoffCell(m: MeasureComparison, value: number | null) {
    const instrument = this.instrument!;
    if (m.kind !== 'score' || value === null || !hasCutoffs(instrument, m.id)) return nothing;
    // The sex note (sexNote) is about the client, not the round: sexNote() says it once, under the measure.
    const { labels, notes } = cutoffText(interpretScore(instrument, m.id, value, this.sex), this.sex, this.lang);
    return html`<div class="cutoff">
      ${labels.length ? html`<ul>${labels.map((l) => html`<li>${l}</li> `)}</ul>` : nothing} ${notes.map((n) => html`<div>${n}</div> `)}
    </div>`;
  }

  /** Under a score's title: that its sex-specific cut-offs could not be applied, once for all rounds. */
  private sexNote(m: MeasureComparison) {
    const instrument = this.instrument!;
    if (m.kind !== 'score') return nothing;
    const value = m.values.find((v) => v.value !== null)?.value ?? null;
    const { sexNote } = cutoffText(interpretScore(instrument, m.id, value, this.sex), this.sex, this.lang);
    return sexNote ? html`<div class="muted">${sexNote}</div>` : nothing;
  }

  protected override render() {
    const lang = this.lang;
    if (this.error) return html`<p class="error" role="alert">${errorMessage(this.lang, this.error)}</p>`;
    const comparison = this.comparison;
    const instrument = this.instrument;
    if (!comparison || !instrument) return html`<p role="status">${t(lang, 'loading')}</p>`;
    const roundTitle = (r: InterviewComparison['rounds'][number]) => `${instrument.round(r.round)?.title[lang] ?? r.round} ${r.startedAt.slice(0, 10)}`;
    const fmt = (m: MeasureComparison, v: number | null) => this.format(m, v);
    return html`
      <h2>${t(lang, 'comparison')}: ${instrument.def.title[lang]}</h2>
      <div class="legend" aria-hidden="true">
        ${comparison.rounds.map((r, i) => html`<span><span class="swatch" style="background:${SERIES[i % SERIES.length]}"></span>${roundTitle(r)}</span>`)}
      </div>
      ${this.chart(comparison)}
      <table part="table">
        <thead>
          <tr>
            <th scope="col">${t(lang, 'area')}</th>
            <th scope="col">${t(lang, 'measure')}</th>
            ${comparison.rounds.map((r) => html`<th scope="col">${roundTitle(r)}</th>`)}
            <th scope="col">${t(lang, 'difference')}</th>
            <th scope="col">${t(lang, 'direction')}</th>
            <th scope="col">${t(lang, 'rci')}</th>
          </tr>
        </thead>
        <tbody>
          ${comparison.areas.flatMap((area) =>
            [...area.scores, ...area.ratings].map((m, i) => {
              const dir = this.changeText(m.change);
              return html`<tr>
                ${i === 0 ? html`<th scope="row" rowspan=${area.scores.length + area.ratings.length}>${area.title[lang]}</th>` : nothing}
                <td>${this.measureTitle(m) === area.title[lang] ? m.id : this.measureTitle(m)} ${this.sexNote(m)}</td>
                ${m.values.map((v) => html`<td class="number">${fmt(m, v.value)}${this.cutoffCell(m, v.value)}</td>`)}
                <td class="number">${m.change.status === 'ok' ? `${m.change.difference > 0 ? '+' : ''}${fmt(m, m.change.difference)}` : ''}</td>
                <td class=${dir.cls}>${dir.text}</td>
                <td>${this.rciText(m)}${m.parameters?.rciStatus === 'ok'
                  ? html`<div class="muted">${t(lang, 'parameters', { sd: m.parameters.sd!.toFixed(3), r: m.parameters.reliability!.toFixed(2), source: m.parameters.reliabilitySource ?? '' })}</div>`
                  : nothing}</td>
              </tr>`;
            }),
          )}
        </tbody>
      </table>
      <h3>${t(lang, 'changedAnswers')}</h3>
      ${comparison.changedAnswers.length === 0
        ? html`<p>${t(lang, 'noChangedAnswers')}</p>`
        : html`<table>
            <thead><tr><th scope="col">${t(lang, 'item')}</th><th scope="col">${t(lang, 'question')}</th><th scope="col">${roundTitle(comparison.rounds[0]!)}</th><th scope="col">${roundTitle(comparison.rounds[comparison.rounds.length - 1]!)}</th></tr></thead>
            <tbody>
              ${comparison.changedAnswers.map((c) => {
                const item = instrument.item(c.itemId)!;
                return html`<tr><th scope="row">${c.itemId}</th><td>${item.def.text[lang]}</td><td>${formatAnswer(instrument, item, c.first, lang)}</td><td>${formatAnswer(instrument, item, c.last, lang)}</td></tr>`;
              })}
            </tbody>
          </table>`}
      <button @click=${() => window.print()}>${t(lang, 'print')}</button>
    `;
  }
}
