// <asi-client-rounds>: one client's interviews (status, dates, scores) and the form to start a new round.
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { BUILTIN_INSTRUMENTS, builtinDefinition } from '../../core/definition/builtin.js';
import type { CompiledInstrument } from '../../core/definition/compiled.js';
import { loadInstrument } from '../../core/definition/load.js';
import type { Language } from '../../core/definition/text.js';
import type { ClientRecord, InterviewRecord, InterviewStore, ScoreRecord } from '../../core/storage/types.js';
import { defaultStore } from '../default-store.js';
import { errorMessage, t } from '../i18n.js';
import { formatScore } from '../profile/asi-profile.js';
import { listStyles } from './list.styles.js';
import { css } from 'lit';

export interface AsiRoundStartDetail {
  clientId: string;
  instrument: string;
  round: string;
  /** `self` when the client will answer on the screen. */
  mode: 'interviewer' | 'self';
}
export interface AsiInterviewOpenDetail {
  interviewId: string;
}
export interface AsiCompareDetail {
  clientId: string;
  instrument: string;
  /** Completed interviews of that instrument, oldest first. */
  interviewIds: string[];
}

declare global {
  interface HTMLElementEventMap {
    'asi-round-start': CustomEvent<AsiRoundStartDetail>;
    'asi-interview-open': CustomEvent<AsiInterviewOpenDetail>;
    'asi-compare': CustomEvent<AsiCompareDetail>;
  }
}

/**
 * @summary A client's interviews, newest first, with resume and view actions, and a form to start a round.
 * @fires asi-round-start - The user asked to start a round of an instrument for this client.
 * @fires asi-interview-open - The user asked to continue or view an interview.
 * @fires asi-compare - The user asked to compare the completed rounds of an instrument.
 * @csspart table @csspart form
 */
export class AsiClientRounds extends LitElement {
  static override styles = [
    listStyles,
    css`
      ol {
        list-style: none;
        margin: 0 0 0.75rem;
        padding: 0 0 0 1rem;
        border-inline-start: 3px solid var(--asi-accent-color, #1d4ed8);
      }
      li {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem 1rem;
        align-items: center;
        padding: 0.4rem 0;
        border-block-end: 1px solid var(--asi-border-color, #e5e7eb);
      }
      .round {
        font-weight: 600;
        min-inline-size: 9rem;
      }
      .interval,
      small,
      .scores {
        color: var(--asi-muted-color, #4a5563);
      }
      li button {
        margin-inline-start: auto;
      }
      h4 {
        margin-block: 1rem 0.5rem;
      }
    `,
  ];

  @property({ attribute: false }) store?: InterviewStore;
  @property({ attribute: 'client-id' }) clientId = '';
  /** Instruments offered for a new round: built-in ids, or compiled instruments. */
  @property({ attribute: false }) instruments: (string | CompiledInstrument)[] = [...BUILTIN_INSTRUMENTS];
  @property({ reflect: true }) override lang: Language = 'sv';

  @state() private client?: ClientRecord;
  @state() private interviews: InterviewRecord[] = [];
  @state() private scores = new Map<string, ScoreRecord[]>();
  @state() private available: CompiledInstrument[] = [];
  @state() private chosen = '';
  /** Reading the client's interviews failed: shown in the current language by the StorageError's code. */
  @state() private storeError: unknown = null;

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('clientId') || changed.has('store')) void this.refresh();
    if (changed.has('instruments')) void this.loadInstruments();
  }

  private async loadInstruments(): Promise<void> {
    this.available = await Promise.all(
      this.instruments.map(async (i) => (typeof i === 'string' ? loadInstrument(await builtinDefinition(i)) : i)),
    );
    this.chosen ||= this.available[0]?.id ?? '';
  }

  async refresh(): Promise<void> {
    if (!this.clientId) return;
    try {
      const store = this.store ?? (await defaultStore());
      this.client = await store.getClient(this.clientId);
      this.interviews = await store.listInterviews({ clientId: this.clientId });
      const scores = new Map<string, ScoreRecord[]>();
      for (const i of this.interviews.filter((x) => x.status === 'completed')) scores.set(i.id, await store.getScores(i.id));
      this.scores = scores;
      this.storeError = null;
    } catch (error) {
      this.storeError = error;
    }
  }

  private onStart(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.dispatchEvent(
      new CustomEvent<AsiRoundStartDetail>('asi-round-start', {
        detail: {
          clientId: this.clientId,
          instrument: String(data.get('instrument')),
          round: String(data.get('round')),
          mode: data.get('self') ? 'self' : 'interviewer',
        },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private open(interviewId: string): void {
    this.dispatchEvent(new CustomEvent<AsiInterviewOpenDetail>('asi-interview-open', { detail: { interviewId }, bubbles: true, composed: true }));
  }

  /** One timeline per instrument, oldest round first, with the interval since the round before. */
  private renderTimelines(byId: Map<string, CompiledInstrument>) {
    const lang = this.lang;
    const groups = new Map<string, InterviewRecord[]>();
    for (const i of [...this.interviews].sort((a, b) => a.startedAt.localeCompare(b.startedAt)))
      groups.set(i.instrumentId, [...(groups.get(i.instrumentId) ?? []), i]);
    return [...groups].map(([instrumentId, rounds]) => {
      const inst = byId.get(instrumentId);
      const completed = rounds.filter((r) => r.status === 'completed');
      return html`<section class="timeline" aria-label=${inst?.def.title[lang] ?? instrumentId}>
        <h4>${inst?.def.title[lang] ?? instrumentId}</h4>
        <ol part="timeline">
          ${rounds.map((i, index) => {
            const open = i.status === 'in-progress' || i.status === 'paused';
            const before = rounds[index - 1];
            return html`<li>
              <span class="round">${inst?.round(i.round)?.title[lang] ?? i.round}</span>
              <span>${this.date(i.startedAt)}</span>
              <span class="status">${t(lang, `status${i.status.replace('-', '_')}` as never)}</span>
              ${before ? html`<span class="interval">${this.interval(before.startedAt, i.startedAt)}</span>` : nothing}
              <span class="scores">${(this.scores.get(i.id) ?? []).map((s) => `${s.scoreId} ${s.value === null ? '–' : (inst ? formatScore(inst, s.scoreId, s.value, true) : String(s.value))}`).join(' · ')}</span>
              <small>v${i.instrumentVersion}</small>
              <button class=${open ? 'primary' : ''} @click=${() => this.open(i.id)} aria-label="${t(lang, open ? 'continue' : 'view')}: ${inst?.round(i.round)?.title[lang] ?? i.round} ${this.date(i.startedAt)}">
                ${t(lang, open ? 'continue' : 'view')}
              </button>
            </li>`;
          })}
        </ol>
        ${completed.length >= 2
          ? html`<button @click=${() => this.compare(instrumentId, completed.map((c) => c.id))}>${t(lang, 'compareRounds')}</button>`
          : nothing}
      </section>`;
    });
  }

  /** Time between two rounds in days and approximate months (a month is 30.44 days on average). */
  private interval(fromIso: string, toIso: string): string {
    const day = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;
    const days = Math.round(day(toIso) - day(fromIso));
    return t(this.lang, 'interval', { months: Math.round(days / 30.44), days });
  }

  private compare(instrument: string, interviewIds: string[]): void {
    this.dispatchEvent(
      new CustomEvent<AsiCompareDetail>('asi-compare', { detail: { clientId: this.clientId, instrument, interviewIds }, bubbles: true, composed: true }),
    );
  }

  private date(iso: string | undefined): string {
    return iso ? iso.slice(0, 10) : '–';
  }

  protected override render() {
    const lang = this.lang;
    if (this.storeError) return html`<p class="error" role="alert">${errorMessage(lang, this.storeError)}</p>`;
    if (!this.client) return nothing;
    const instrument = this.available.find((i) => i.id === this.chosen);
    const byId = new Map(this.available.map((i) => [i.id, i]));
    return html`
      <h2>${this.client.code}</h2>
      <section aria-labelledby="start">
        <h3 id="start">${t(lang, 'startRound')}</h3>
        <form part="form" @submit=${this.onStart}>
          <label>${t(lang, 'instrument')}
            <select name="instrument" @change=${(e: Event) => (this.chosen = (e.target as HTMLSelectElement).value)}>
              ${this.available.map((i) => html`<option value=${i.id} ?selected=${i.id === this.chosen}>${i.def.title[lang]}</option>`)}
            </select>
          </label>
          <label>${t(lang, 'round')}
            <select name="round">
              ${instrument?.def.rounds.map((r) => html`<option value=${r.id}>${r.title[lang]}</option>`)}
            </select>
          </label>
          <label><input type="checkbox" name="self" /> ${t(lang, 'selfMode')}</label>
          <button class="primary" type="submit" ?disabled=${!instrument}>${t(lang, 'start')}</button>
        </form>
      </section>
      <section aria-labelledby="interviews">
        <h3 id="interviews">${t(lang, 'interviews')}</h3>
        ${this.interviews.length === 0 ? html`<p>${t(lang, 'noInterviews')}</p>` : this.renderTimelines(byId)}
      </section>
    `;
  }
}
