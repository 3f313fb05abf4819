// <asi-client-rounds>: one client's interviews (status, dates, scores) and the form to start a new round.
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { BUILTIN_INSTRUMENTS, builtinDefinition } from '../../core/definition/builtin.js';
import type { CompiledInstrument } from '../../core/definition/compiled.js';
import { loadInstrument } from '../../core/definition/load.js';
import type { Language } from '../../core/definition/text.js';
import type { ClientRecord, InterviewRecord, InterviewStore, ScoreRecord } from '../../core/storage/types.js';
import { defaultStore } from '../default-store.js';
import { t } from '../i18n.js';
import { listStyles } from './list.styles.js';

export interface AsiRoundStartDetail {
  clientId: string;
  instrument: string;
  round: string;
}
export interface AsiInterviewOpenDetail {
  interviewId: string;
}

declare global {
  interface HTMLElementEventMap {
    'asi-round-start': CustomEvent<AsiRoundStartDetail>;
    'asi-interview-open': CustomEvent<AsiInterviewOpenDetail>;
  }
}

/**
 * @summary A client's interviews, newest first, with resume and view actions, and a form to start a round.
 * @fires asi-round-start - The user asked to start a round of an instrument for this client.
 * @fires asi-interview-open - The user asked to continue or view an interview.
 * @csspart table @csspart form
 */
export class AsiClientRounds extends LitElement {
  static override styles = listStyles;

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
    const store = this.store ?? (await defaultStore());
    this.client = await store.getClient(this.clientId);
    this.interviews = await store.listInterviews({ clientId: this.clientId });
    const scores = new Map<string, ScoreRecord[]>();
    for (const i of this.interviews.filter((x) => x.status === 'completed')) scores.set(i.id, await store.getScores(i.id));
    this.scores = scores;
  }

  private onStart(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.dispatchEvent(
      new CustomEvent<AsiRoundStartDetail>('asi-round-start', {
        detail: { clientId: this.clientId, instrument: String(data.get('instrument')), round: String(data.get('round')) },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private open(interviewId: string): void {
    this.dispatchEvent(new CustomEvent<AsiInterviewOpenDetail>('asi-interview-open', { detail: { interviewId }, bubbles: true, composed: true }));
  }

  private date(iso: string | undefined): string {
    return iso ? iso.slice(0, 10) : '–';
  }

  protected override render() {
    const lang = this.lang;
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
          <button class="primary" type="submit" ?disabled=${!instrument}>${t(lang, 'start')}</button>
        </form>
      </section>
      <section aria-labelledby="interviews">
        <h3 id="interviews">${t(lang, 'interviews')}</h3>
        ${this.interviews.length === 0
          ? html`<p>${t(lang, 'noInterviews')}</p>`
          : html`<table part="table">
              <thead>
                <tr>
                  <th scope="col">${t(lang, 'instrument')}</th><th scope="col">${t(lang, 'round')}</th>
                  <th scope="col">${t(lang, 'started')}</th><th scope="col">${t(lang, 'status')}</th>
                  <th scope="col">${t(lang, 'scores')}</th><td></td>
                </tr>
              </thead>
              <tbody>
                ${this.interviews.map((i) => {
                  const inst = byId.get(i.instrumentId);
                  const open = i.status === 'in-progress' || i.status === 'paused';
                  return html`<tr>
                    <td>${inst?.def.title[lang] ?? i.instrumentId} <small>${i.instrumentVersion}</small></td>
                    <td>${inst?.round(i.round)?.title[lang] ?? i.round}</td>
                    <td>${this.date(i.startedAt)}</td>
                    <td>${t(lang, `status${i.status.replace('-', '_')}` as never)}${i.completedAt ? ` ${this.date(i.completedAt)}` : ''}</td>
                    <td>${(this.scores.get(i.id) ?? []).map((s) => html`${s.scoreId} ${s.value === null ? '–' : s.value.toFixed(3)} `)}</td>
                    <td><button class=${open ? 'primary' : ''} @click=${() => this.open(i.id)}>${t(lang, open ? 'continue' : 'view')}</button></td>
                  </tr>`;
                })}
              </tbody>
            </table>`}
      </section>
    `;
  }
}
