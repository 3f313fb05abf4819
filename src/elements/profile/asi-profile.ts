// <asi-profile>: per life area, the scores and ratings of one interview on their own ranges, as a chart and a table,
// and what the definition's cut-offs say about each score.
import { LitElement, css, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import type { CompiledInstrument } from '../../core/definition/compiled.js';
import type { Language } from '../../core/definition/text.js';
import type { AnswerValue } from '../../core/definition/values.js';
import { interpretScore, ratingRange, scoreRange, type MeasureRange, type ScoreInterpretation } from '../../core/scoring/cutoffs.js';
import type { Sex } from '../../core/storage/types.js';
import { t } from '../i18n.js';

export interface ProfileScore {
  scoreId: string;
  value: number | null;
  missing?: string[];
}

/**
 * What a rating is drawn on when its item has neither options nor min/max: the ASI interviewer's 0–9 scale, which
 * this element assumed for every rating before ranges were read from the definition.
 */
const FALLBACK_RATING_RANGE: MeasureRange = { min: 0, max: 9 };

/** How many rating colours the styles define (classes rating-0 … rating-3); further scales reuse them in turn. */
const RATING_COLOURS = 4;

/** All ratings on one scale share a colour, a legend entry and a table column: "youth worry 0–3" vs "interviewer 0–9". */
export interface RatingSeries {
  key: string;
  title: string;
  range: MeasureRange;
}

/** The series of a rating item: its scale (titled by the scale), else its range ("Rating 0–3"). */
export function ratingSeries(instrument: CompiledInstrument, itemId: string, lang: Language): RatingSeries {
  const range = ratingRange(instrument, itemId) ?? FALLBACK_RATING_RANGE;
  const scaleId = instrument.item(itemId)?.def.scale;
  const scale = scaleId ? instrument.scale(scaleId) : undefined;
  const byRange = t(lang, 'ratingRange', { min: range.min, max: range.max });
  if (scale) return { key: `scale:${scale.id}`, title: scale.title?.[lang] ?? byRange, range };
  return { key: `range:${range.min}-${range.max}`, title: byRange, range };
}

/**
 * A score value for display. A score without a declared range is an ASI-style composite (0–1): three decimals (two in
 * the chart, where three crowd the bar), unless the definition sets `decimals`. A score with a declared range is a
 * points sum such as AUDIT: whole numbers as they are, others with two decimals, unless the definition says otherwise.
 */
export function formatScore(instrument: CompiledInstrument, scoreId: string, value: number, short = false): string {
  const def = instrument.scores.find((s) => s.id === scoreId)?.def;
  if (!def?.range) return value.toFixed(short ? 2 : def?.decimals ?? 3);
  return value.toFixed(def.decimals ?? (Number.isInteger(value) ? 0 : 2));
}

/**
 * The plain-language result of a score's cut-offs: the labels it falls in, notes (below the cut-off, in no range), and
 * apart from them the note that the sex-specific cut-offs could not be applied, which is about the client, not the
 * value (a comparison says it once, not in every round).
 */
export function cutoffText(
  interpretation: ScoreInterpretation,
  sex: Sex | undefined,
  lang: Language,
): { labels: string[]; notes: string[]; sexNote?: string } {
  if (interpretation.value === null) return { labels: [], notes: [] };
  const labels = interpretation.matched.map((c) => c.label[lang]);
  const notes: string[] = [];
  if (interpretation.below) {
    const min = Math.min(...interpretation.applicable.map((c) => c.min));
    // With the sex unknown only the sex-neutral cut-offs were applied; a bare "below the cut-off" would overstate it
    // (AUDIT 7 is under every WHO zone, yet risky use for a woman).
    notes.push(t(lang, interpretation.sexNeeded ? 'cutoffBelowNeutral' : 'cutoffBelow', { min }));
  } else if (labels.length === 0 && interpretation.applicable.length > 0) {
    notes.push(t(lang, 'cutoffNone'));
  }
  return {
    labels,
    notes,
    ...(interpretation.sexNeeded ? { sexNote: t(lang, sex === 'other' ? 'cutoffSexOther' : 'cutoffSexUnknown') } : {}),
  };
}

/** Whether a definition declares cut-offs for this score (only those get a "Result" entry). */
export function hasCutoffs(instrument: CompiledInstrument, scoreId: string): boolean {
  return (instrument.def.cutoffs ?? []).some((c) => c.score === scoreId);
}

interface Bar {
  /** Set when the area has several bars of one kind (AUDIT and AUDIT_C), which colour alone cannot tell apart. */
  name?: string;
  value: number | null;
  text: string;
  range: MeasureRange;
  cls: string;
}

interface Area {
  id: string;
  title: string;
  scores: { id: string; value: number | null; missing: string[] }[];
  ratings: { id: string; value: AnswerValue | undefined; band?: string; series: RatingSeries; column: string }[];
}

/**
 * @summary The results profile: one group per area of the instrument's `profile`, with its scores (on their declared
 * `range`, default 0–1) and its ratings (on the range of their scale's options, with the band label). A chart for the
 * feedback session, a table with exact values, and for scores with cut-offs a result in plain words, applying
 * sex-specific cut-offs only when `sex` is female or male. Prints on its own (chart, table and result, no buttons).
 * @csspart chart @csspart table @csspart result
 */
export class AsiProfile extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: var(--asi-font-family, system-ui, sans-serif);
      color: var(--asi-text-color, #111827);
    }
    svg {
      inline-size: 100%;
      max-inline-size: 46rem;
      block-size: auto;
    }
    .label {
      font-size: 13px;
      fill: currentColor;
    }
    .value {
      font-size: 12px;
      fill: currentColor;
      font-variant-numeric: tabular-nums;
    }
    .axis {
      stroke: var(--asi-border-color, #9ca3af);
    }
    .score {
      fill: var(--asi-chart-score, #1d4ed8);
    }
    .rating-0 {
      fill: var(--asi-chart-rating, #b45309);
    }
    .rating-1 {
      fill: var(--asi-chart-rating-2, #0f766e);
    }
    .rating-2 {
      fill: var(--asi-chart-rating-3, #6d28d9);
    }
    .rating-3 {
      fill: var(--asi-chart-rating-4, #be185d);
    }
    .swatch.score {
      background: var(--asi-chart-score, #1d4ed8);
    }
    .swatch.rating-0 {
      background: var(--asi-chart-rating, #b45309);
    }
    .swatch.rating-1 {
      background: var(--asi-chart-rating-2, #0f766e);
    }
    .swatch.rating-2 {
      background: var(--asi-chart-rating-3, #6d28d9);
    }
    .swatch.rating-3 {
      background: var(--asi-chart-rating-4, #be185d);
    }
    .visually-hidden {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1.5rem;
      font-size: 0.875rem;
    }
    .swatch {
      display: inline-block;
      inline-size: 0.9em;
      block-size: 0.9em;
      margin-inline-end: 0.35em;
      vertical-align: -0.1em;
    }
    table {
      border-collapse: collapse;
      margin-block-start: 1rem;
    }
    th,
    td {
      text-align: start;
      padding: 0.3rem 0.75rem;
      border-block-end: 1px solid var(--asi-border-color, #d1d5db);
    }
    td.number {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
    .result dl {
      margin: 0;
    }
    .result dt {
      font-weight: 600;
      margin-block-start: 0.5rem;
    }
    .result dd {
      margin-inline-start: 0;
    }
    .result p,
    .result ul {
      margin-block: 0.15rem;
    }
    @media print {
      svg {
        max-inline-size: 100%;
      }
    }
  `;

  @property({ attribute: false }) instrument?: CompiledInstrument;
  @property({ attribute: false }) scores: ProfileScore[] = [];
  /** Answers of the rating items (e.g. M9 → 4). */
  @property({ attribute: false }) ratings: Record<string, AnswerValue | undefined> = {};
  /**
   * The client's sex, for sex-specific cut-offs (AUDIT risky use: men ≥ 8, women ≥ 6). Unset, 'unknown' or 'other':
   * those cut-offs are not applied and the result says so.
   */
  @property() sex?: Sex;
  @property({ reflect: true }) override lang: Language = 'sv';

  /** The profile's areas with their values; an instrument without `profile` gets one area per score. */
  private areas(): Area[] {
    const instrument = this.instrument!;
    const lang = this.lang;
    const defs =
      instrument.def.profile ??
      instrument.scores.map((s) => ({ id: s.id, title: s.def.title, scores: [s.id], ratings: [] as string[] }));
    return defs.map((area) => {
      const seen = new Map<string, number>();
      return {
        id: area.id,
        title: area.title[lang],
        scores: (area.scores ?? []).map((id) => {
          const found = this.scores.find((s) => s.scoreId === id);
          return { id, value: found?.value ?? null, missing: found?.missing ?? [] };
        }),
        ratings: (area.ratings ?? []).map((id) => {
          const series = ratingSeries(instrument, id, lang);
          const value = this.ratings[id];
          const scaleId = instrument.item(id)?.def.scale;
          const bands = scaleId ? instrument.scale(scaleId)?.bands : undefined;
          const band = typeof value === 'number' ? bands?.find((b) => value >= b.min && value <= b.max)?.label[lang] : undefined;
          // Two ratings on one scale in one area get a column each rather than overwriting each other.
          const n = (seen.get(series.key) ?? 0) + 1;
          seen.set(series.key, n);
          return { id, value, ...(band ? { band } : {}), series, column: n === 1 ? series.key : `${series.key}#${n}` };
        }),
      };
    });
  }

  /** The rating series in order of first appearance: their colours, legend entries and table columns. */
  private columns(areas: Area[]): { key: string; title: string; series: RatingSeries }[] {
    const columns = new Map<string, { key: string; title: string; series: RatingSeries }>();
    for (const area of areas)
      for (const r of area.ratings)
        if (!columns.has(r.column)) {
          const n = r.column.split('#')[1];
          columns.set(r.column, { key: r.column, title: n ? `${r.series.title} (${n})` : r.series.title, series: r.series });
        }
    return [...columns.values()];
  }

  /** The colour class of a rating scale: rating-0 for the first scale in the profile, rating-1 for the next, … */
  private ratingColour(areas: Area[], seriesKey: string): string {
    const keys = [...new Set(areas.flatMap((a) => a.ratings.map((r) => r.series.key)))];
    return `rating-${keys.indexOf(seriesKey) % RATING_COLOURS}`;
  }

  private bars(areas: Area[], area: Area): Bar[] {
    const instrument = this.instrument!;
    const scores: Bar[] = area.scores.map((s) => {
      const range = scoreRange(instrument, s.id);
      return {
        ...(area.scores.length > 1 ? { name: s.id } : {}),
        value: s.value,
        text: s.value === null ? '–' : `${formatScore(instrument, s.id, s.value, true)} / ${range.max}`,
        range,
        cls: 'score',
      };
    });
    const perSeries = new Map<string, number>();
    for (const r of area.ratings) perSeries.set(r.series.key, (perSeries.get(r.series.key) ?? 0) + 1);
    const ratings: Bar[] = area.ratings.map((r) => {
      const value = typeof r.value === 'number' ? r.value : null;
      return {
        ...(perSeries.get(r.series.key)! > 1 ? { name: r.id } : {}),
        value,
        text: value === null ? '–' : `${value} / ${r.series.range.max}`,
        range: r.series.range,
        // The plain "rating" class stays on every rating bar, so that styling written for the ASI profile still applies.
        cls: `rating ${this.ratingColour(areas, r.series.key)}`,
      };
    });
    return [...scores, ...ratings];
  }

  /**
   * Tick labels: with one or two ranges in the chart (ASI: composite 0–1 and rating 0–9) each tick names its value on
   * each, as the profile always did; with more (e.g. 0–40, 0–12 and 0–9) that would crowd, so ticks give the share.
   */
  private tick(ranges: MeasureRange[], f: number): string {
    const distinct = [...new Map(ranges.map((r) => [`${r.min}:${r.max}`, r])).values()];
    if (distinct.length === 0 || distinct.length > 2) return `${Math.round(f * 100)} %`;
    return distinct
      .map((r) => {
        const v = r.min + f * (r.max - r.min);
        return r.min === 0 && r.max === 1 ? v.toFixed(2) : String(Math.round(v * 10) / 10);
      })
      .join(' · ');
  }

  private chart(areas: Area[]) {
    const labelWidth = 190;
    const barWidth = 420;
    const pitch = 18;
    const groups = areas.map((area) => ({ area, bars: this.bars(areas, area) })).filter((g) => g.bars.length > 0);
    const named = groups.some((g) => g.bars.some((b) => b.name));
    const heights = groups.map((g) => g.bars.length * pitch + 8);
    const height = heights.reduce((a, b) => a + b, 0) + 28;
    const ranges = groups.flatMap((g) => g.bars.map((b) => b.range));
    let top = 6;
    return svg`<svg part="chart" viewBox="0 0 ${labelWidth + barWidth + (named ? 130 : 70)} ${height}" role="img" aria-label=${t(this.lang, 'profileChart')}>
      ${[0, 0.25, 0.5, 0.75, 1].map(
        (f) => svg`<line class="axis" x1=${labelWidth + f * barWidth} x2=${labelWidth + f * barWidth} y1="0" y2=${height - 22} stroke-dasharray="2 3"></line>
          <text class="value" x=${labelWidth + f * barWidth} y=${height - 6} text-anchor="middle">${this.tick(ranges, f)}</text>`,
      )}
      ${groups.map(({ area, bars }, gi) => {
        const y = top;
        top += heights[gi]!;
        return svg`<text class="label" x="0" y=${y + bars.length * 9 + 2}>${area.title}</text>
          ${bars.map((bar, i) => {
            const by = y + i * pitch;
            const label = bar.name ? `${bar.name} ${bar.text}` : bar.text;
            if (bar.value === null) return svg`<text class="value" x=${labelWidth} y=${by + 12}>${label}</text>`;
            // Each bar on its own range, so AUDIT 13 of 40 and a youth rating 2 of 3 are drawn as the share they are.
            const f = Math.min(1.1, Math.max(0, (bar.value - bar.range.min) / (bar.range.max - bar.range.min)));
            return svg`<rect class=${bar.cls} x=${labelWidth} y=${by} height="14" width=${Math.max(1, f * barWidth)}></rect>
              <text class="value" x=${labelWidth + f * barWidth + 4} y=${by + 12}>${label}</text>`;
          })}`;
      })}
    </svg>`;
  }

  private result() {
    const instrument = this.instrument!;
    const lang = this.lang;
    const scored = instrument.scores.filter((s) => hasCutoffs(instrument, s.id));
    if (scored.length === 0) return nothing;
    return html`<section class="result" part="result" aria-labelledby="result-heading">
      <h3 id="result-heading">${t(lang, 'result')}</h3>
      <dl>
        ${scored.map((s) => {
          const found = this.scores.find((x) => x.scoreId === s.id);
          const value = found?.value ?? null;
          const { labels, notes, sexNote } = cutoffText(interpretScore(instrument, s.id, value, this.sex), this.sex, lang);
          return html`<div>
            <dt>${s.def.title[lang]}</dt>
            <dd>
              <p>
                ${value === null
                  ? t(lang, 'notComputable', { items: (found?.missing ?? []).join(', ') })
                  : t(lang, 'ofMax', { value: formatScore(instrument, s.id, value), max: scoreRange(instrument, s.id).max })}
              </p>
              ${sexNote ? html`<p>${sexNote}</p>` : nothing}
              ${notes.map((n) => html`<p>${n}</p>`)}
              ${labels.length ? html`<ul>${labels.map((l) => html`<li>${l}</li> `)}</ul>` : nothing}
            </dd>
          </div>`;
        })}
      </dl>
    </section>`;
  }

  protected override render() {
    if (!this.instrument) return nothing;
    const instrument = this.instrument;
    const lang = this.lang;
    const areas = this.areas();
    const columns = this.columns(areas);
    const scoreIds = areas.flatMap((a) => a.scores.map((s) => s.id));
    // ASI composites keep their name; declared ranges (AUDIT 0–40) are points, not a 0–1 composite.
    const scoreTitle = scoreIds.every((id) => !instrument.scores.find((s) => s.id === id)?.def.range) ? t(lang, 'composite') : t(lang, 'scoreLegend');
    const scoreText = (s: Area['scores'][number] | undefined) =>
      !s ? '' : s.value === null ? t(lang, 'notComputable', { items: s.missing.join(', ') }) : formatScore(instrument, s.id, s.value);
    const ratingText = (r: Area['ratings'][number] | undefined) =>
      !r ? '' : r.value === undefined ? '–' : `${r.value}${r.band ? ` ${r.band}` : ''}`;
    // One table row per score, as before (AUDIT: one for AUDIT, one for AUDIT_C); the ratings go on the first.
    const rows = areas.flatMap((area) =>
      (area.scores.length ? area.scores : [undefined]).map((score, i) => ({
        key: `${area.id}-${i}`,
        title: area.scores.length > 1 && score ? `${area.title} (${score.id})` : area.title,
        score,
        ratings: i === 0 ? area.ratings : [],
      })),
    );
    // The space after each legend entry and table cell keeps a row's text readable as words (textContent, copying).
    return html`
      <div class="legend" aria-hidden="true">
        ${scoreIds.length ? html`<span><span class="swatch score"></span>${scoreTitle}</span>` : nothing}
        ${[...new Map(columns.map((c) => [c.series.key, c.series])).values()].map(
          (series) => html`<span><span class="swatch ${this.ratingColour(areas, series.key)}"></span>${series.title}</span> `,
        )}
      </div>
      ${this.chart(areas)}
      <table part="table">
        <caption class="visually-hidden">${t(lang, 'profile')}</caption>
        <thead>
          <tr>
            <th scope="col">${t(lang, 'area')}</th>
            ${scoreIds.length ? html`<th scope="col">${scoreTitle}</th>` : nothing}
            ${columns.map((c) => html`<th scope="col">${c.title}</th> `)}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr>
              <th scope="row">${r.title}</th>
              ${scoreIds.length ? html`<td class="number">${scoreText(r.score)}</td>` : nothing}
              ${columns.map((c) => html`<td>${ratingText(r.ratings.find((x) => x.column === c.key))}</td> `)}
            </tr>`,
          )}
        </tbody>
      </table>
      ${this.result()}
    `;
  }
}
