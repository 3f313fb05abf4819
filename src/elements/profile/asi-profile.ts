// <asi-profile>: per life area, the composite scores and interviewer ratings of one interview, as a chart and a table.
import { LitElement, css, html, nothing, svg } from 'lit';
import { property } from 'lit/decorators.js';
import type { CompiledInstrument } from '../../core/definition/compiled.js';
import type { Language } from '../../core/definition/text.js';
import type { AnswerValue } from '../../core/definition/values.js';
import { t } from '../i18n.js';

export interface ProfileScore {
  scoreId: string;
  value: number | null;
  missing?: string[];
}

interface Row {
  id: string;
  title: string;
  score?: { id: string; value: number | null; missing: string[] };
  rating?: { id: string; value: AnswerValue | undefined; band?: string };
}

/**
 * @summary The results profile: one row per area of the instrument's `profile`, with composite scores (0–1) and
 * interviewer ratings (0–9, with the band label). A chart for the feedback session and a table with exact values.
 * Prints on its own (chart and table, no buttons).
 * @csspart chart @csspart table
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
    .rating {
      fill: var(--asi-chart-rating, #b45309);
    }
    .swatch.score {
      background: var(--asi-chart-score, #1d4ed8);
    }
    .swatch.rating {
      background: var(--asi-chart-rating, #b45309);
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
      gap: 1.5rem;
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
  @property({ reflect: true }) override lang: Language = 'sv';

  private rows(): Row[] {
    const instrument = this.instrument!;
    const lang = this.lang;
    const areas =
      instrument.def.profile ??
      instrument.scores.map((s) => ({ id: s.id, title: s.def.title, scores: [s.id], ratings: [] as string[] }));
    return areas.flatMap((area) => {
      const scoreIds = area.scores?.length ? area.scores : [undefined];
      return scoreIds.map((scoreId, i) => {
        const found = scoreId ? this.scores.find((s) => s.scoreId === scoreId) : undefined;
        const ratingId = i === 0 ? area.ratings?.[0] : undefined;
        const ratingItem = ratingId ? instrument.item(ratingId) : undefined;
        const value = ratingId ? this.ratings[ratingId] : undefined;
        const bands = ratingItem?.def.scale ? instrument.scale(ratingItem.def.scale)?.bands : undefined;
        const band = typeof value === 'number' ? bands?.find((b) => value >= b.min && value <= b.max)?.label[lang] : undefined;
        const title = scoreIds.length > 1 && scoreId ? `${area.title[lang]} (${scoreId})` : area.title[lang];
        return {
          id: `${area.id}-${i}`,
          title,
          ...(scoreId ? { score: { id: scoreId, value: found?.value ?? null, missing: found?.missing ?? [] } } : {}),
          ...(ratingId ? { rating: { id: ratingId, value, ...(band ? { band } : {}) } } : {}),
        };
      });
    });
  }

  private chart(rows: Row[]) {
    const labelWidth = 190;
    const barWidth = 420;
    const rowHeight = 44;
    const height = rows.length * rowHeight + 28;
    return svg`<svg part="chart" viewBox="0 0 ${labelWidth + barWidth + 70} ${height}" role="img" aria-label=${t(this.lang, 'profileChart')}>
      ${[0, 0.25, 0.5, 0.75, 1].map(
        (f) => svg`<line class="axis" x1=${labelWidth + f * barWidth} x2=${labelWidth + f * barWidth} y1="0" y2=${height - 22} stroke-dasharray="2 3"></line>
          <text class="value" x=${labelWidth + f * barWidth} y=${height - 6} text-anchor="middle">${f.toFixed(2)} · ${Math.round(f * 9 * 10) / 10}</text>`,
      )}
      ${rows.map((row, i) => {
        const y = i * rowHeight + 6;
        const score = row.score?.value;
        const rating = typeof row.rating?.value === 'number' ? row.rating.value : undefined;
        return svg`<text class="label" x="0" y=${y + 20}>${row.title}</text>
          ${typeof score === 'number'
            ? svg`<rect class="score" x=${labelWidth} y=${y} height="14" width=${Math.max(1, Math.min(1.1, Math.max(0, score)) * barWidth)}></rect>
                <text class="value" x=${labelWidth + Math.min(1.1, Math.max(0, score)) * barWidth + 4} y=${y + 12}>${score.toFixed(2)}</text>`
            : row.score
              ? svg`<text class="value" x=${labelWidth} y=${y + 12}>–</text>`
              : nothing}
          ${rating !== undefined
            ? svg`<rect class="rating" x=${labelWidth} y=${y + 18} height="14" width=${Math.max(1, (rating / 9) * barWidth)}></rect>
                <text class="value" x=${labelWidth + (rating / 9) * barWidth + 4} y=${y + 30}>${rating}</text>`
            : row.rating
              ? svg`<text class="value" x=${labelWidth} y=${y + 30}>–</text>`
              : nothing}`;
      })}
    </svg>`;
  }

  protected override render() {
    if (!this.instrument) return nothing;
    const lang = this.lang;
    const rows = this.rows();
    const scoreText = (s: Row['score']) =>
      !s ? '' : s.value === null ? t(lang, 'notComputable', { items: s.missing.join(', ') }) : s.value.toFixed(3);
    const ratingText = (r: Row['rating']) => (!r ? '' : r.value === undefined ? '–' : `${r.value}${r.band ? ` ${r.band}` : ''}`);
    return html`
      <div class="legend" aria-hidden="true">
        <span><span class="swatch score"></span>${t(lang, 'composite')}</span>
        <span><span class="swatch rating"></span>${t(lang, 'rating')}</span>
      </div>
      ${this.chart(rows)}
      <table part="table">
        <caption class="visually-hidden">${t(lang, 'profile')}</caption>
        <thead>
          <tr><th scope="col">${t(lang, 'area')}</th><th scope="col">${t(lang, 'composite')}</th><th scope="col">${t(lang, 'rating')}</th></tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) => html`<tr>
              <th scope="row">${r.title}</th>
              <td class="number">${scoreText(r.score)}</td>
              <td>${ratingText(r.rating)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }
}
