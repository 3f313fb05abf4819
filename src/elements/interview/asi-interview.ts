// <asi-interview>: runs one interview of one instrument round from the keyboard, saving every answer as it goes.
import { ContextProvider } from '@lit/context';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { builtinDefinition, builtinDefinitionAt } from '../../core/definition/builtin.js';
import { formatAnswer, parseAnswer, type CompiledInstrument } from '../../core/definition/compiled.js';
import { resolveDefinition } from '../../core/definition/load.js';
import { compileWithOverlays } from '../../core/definition/overlay.js';
import type { Language } from '../../core/definition/text.js';
import type { AnswerValue } from '../../core/definition/values.js';
import { evaluateCondition } from '../../core/expression/index.js';
import { answerMapFromRecords, planInterview, type EarlierRound, type InterviewPlan } from '../../core/flow/index.js';
import { offersSummary, summarize, summaryText } from '../../core/feedback/summary.js';
import { openInterview, startInterview, type InterviewActor, type InterviewSession } from '../../core/flow/session.js';
import { DefinitionError } from '../../core/definition/problems.js';
import type { IntegrityReport } from '../../core/storage/integrity.js';
import { StorageError, type AnswerChange, type ClientRecord, type InterviewRecord, type InterviewStore, type ScoreRecord, type Sex } from '../../core/storage/types.js';
import { SelectorController } from '../controllers/selector-controller.js';
import { interviewContext, type InterviewContextValue } from '../context.js';
import { CONTROL_FOR_KIND } from '../controls/registry.js';
import { itemView } from '../controls/item-view.js';
import type { AnswerControl, ControlCommitDetail } from '../controls/answer-control.js';
import { defaultStore, STORAGE_VERSION_CHANGE } from '../default-store.js';
import { errorMessage, integrityLine, t } from '../i18n.js';
import { formatScore } from '../profile/asi-profile.js';
import { interviewStyles } from './asi-interview.styles.js';
import { EditLock } from './edit-lock.js';

export interface AsiStartDetail {
  interviewId: string;
  clientId: string;
  instrument: string;
  round: string;
}
export interface AsiAnswerDetail {
  interviewId: string;
  itemId: string;
  /** null when an auto-filled value was withdrawn because its condition no longer holds. */
  value: AnswerValue | null;
  source: AnswerChange['source'];
}
export interface AsiProgressDetail {
  interviewId: string;
  answered: number;
  total: number;
  position: string | null;
}
export interface AsiCompleteDetail {
  interviewId: string;
  scores: { scoreId: string; value: number | null; missing: string[] }[];
}
export interface AsiSaveErrorDetail {
  interviewId: string;
  itemId: string | null;
  code: string;
  message: string;
}
/** An interview whose records do not match its audit trail (see InterviewStore.verifyInterview). */
export interface AsiIntegrityDetail {
  interviewId: string;
  /** 0-based index of the first bad audit event, where the problem is in the log. */
  firstBadEvent?: number;
  problems: IntegrityReport['problems'];
}
export interface AsiErrorDetail {
  message: string;
  problems?: { path: string; message: string }[];
}

declare global {
  interface HTMLElementEventMap {
    'asi-start': CustomEvent<AsiStartDetail>;
    'asi-answer': CustomEvent<AsiAnswerDetail>;
    'asi-progress': CustomEvent<AsiProgressDetail>;
    'asi-complete': CustomEvent<AsiCompleteDetail>;
    'asi-save-error': CustomEvent<AsiSaveErrorDetail>;
    'asi-error': CustomEvent<AsiErrorDetail>;
    'asi-integrity': CustomEvent<AsiIntegrityDetail>;
  }
}

type Snapshot = ReturnType<InterviewActor['getSnapshot']>;

function isCompiled(value: unknown): value is CompiledInstrument {
  return typeof value === 'object' && value !== null && typeof (value as CompiledInstrument).itemsInRound === 'function';
}

/**
 * @summary Runs a structured interview: one question at a time, keyboard first, every answer durable before moving on.
 *
 * Give it an instrument (a built-in id such as `demo`, a definition object, or a compiled instrument) and either an
 * `interview-id` to resume, or a client and a `round` to start a new interview. Answers go to IndexedDB unless a
 * `store` is given.
 *
 * @fires asi-start - A new interview record was created; `detail.interviewId` resumes it later.
 * @fires asi-answer - An answer (or an auto-filled value) is durably saved.
 * @fires asi-progress - The number of answered items or the current item changed.
 * @fires asi-complete - The interview was completed; `detail.scores` holds the computed scores.
 * @fires asi-save-error - A write failed; the answer is not saved and the interviewer can retry.
 * @fires asi-integrity - The interview's records do not match its audit trail; editing waits for an acknowledgement.
 * @fires asi-error - The interview could not be opened (bad definition, unknown interview, storage unavailable).
 *
 * @csspart header - Title, client and save state.
 * @csspart progress - The progress bar and count.
 * @csspart sections - The section list.
 * @csspart question - The current question area.
 * @csspart actions - The buttons under the question.
 *
 * @cssprop --asi-font-family @cssprop --asi-text-color @cssprop --asi-background @cssprop --asi-accent-color
 * @cssprop --asi-focus-color @cssprop --asi-border-color @cssprop --asi-muted-color @cssprop --asi-error-color
 * @cssprop --asi-radius @cssprop --asi-question-font-size
 */
export class AsiInterview extends LitElement {
  static override styles = interviewStyles;

  /** A built-in instrument id (attribute), or a definition object / compiled instrument (property). */
  @property() instrument: string | object = '';
  /** Round to start (e.g. `intake`); not needed when resuming. */
  @property() round = '';
  /** Interview to resume; set by the element itself when it starts a new one. */
  @property({ attribute: 'interview-id', reflect: true }) interviewId = '';
  /** Client to start a new interview for (or give `client-id` to look it up in the store). */
  @property({ attribute: false }) client?: ClientRecord;
  @property({ attribute: 'client-id' }) clientId = '';
  /** Where answers live; defaults to the shared IndexedDB store. */
  @property({ attribute: false }) store?: InterviewStore;
  /** Text overlays applied to the definition (e.g. an organisation's licensed wording). */
  @property({ attribute: false }) overlays: unknown[] = [];
  /**
   * Who is at the keyboard: `interviewer` (default) or `self`, the client answering on the screen. Self mode shows
   * plain questions and answers only (no item codes, interviewer notes, key items or navigation between sections),
   * offers "prefer not to answer" for X, and ends with a thank-you; the results stay behind a staff-only disclosure.
   */
  @property({ reflect: true }) mode: 'interviewer' | 'self' = 'interviewer';
  /** Interviewer id recorded in the audit trail. */
  @property() interviewer = '';
  @property({ reflect: true }) override lang: Language = 'sv';

  /** Why the interview could not be opened; `code` when storage failed, so the message can be the user's language. */
  @state() private loadError: (AsiErrorDetail & { code?: string }) | null = null;
  @state() private instrumentCompiled?: CompiledInstrument;
  @state() private record?: InterviewRecord;
  @state() private scores: ScoreRecord[] = [];
  /** The interview whose stored scores `scores` holds; until they are read, the results show no profile. */
  @state() private scoresFor: string | undefined;
  @state() private warning: { itemId: string; message: string } | null = null;
  @state() private terminating = false;
  /** Show the client's answer from the previous round beside the question (Alt+P). */
  @state() private showPrevious = false;
  @state() private reopening = false;
  @state() private clientSex?: Sex;

  private session?: InterviewSession;
  private lock?: EditLock;
  /** Another tab holds this interview: this one waits for it to close. */
  @state() private lockedElsewhere = false;
  /** The integrity problems found when opening: shown, and editing blocked, until a person acknowledges them. */
  @state() private integrity?: IntegrityReport;
  private integrityStore?: InterviewStore;
  /** Meanwhile, the answers that tab had saved when last read here, shown read-only. */
  @state() private readOnly?: { instrument: CompiledInstrument; round: string; plan: InterviewPlan };
  /** Re-reads the read-only answers (when this tab is looked at again); set only while waiting for the lock. */
  private refreshReadOnly?: () => Promise<void>;
  /**
   * Another tab upgraded the database, so the default store closed its connection: every write would fail, so the
   * interview takes no input and says so at once rather than on the next answer.
   */
  @state() private storeSuperseded = false;
  /** Whether this element writes to the default store (the one whose upgrade `STORAGE_VERSION_CHANGE` announces). */
  private usesDefaultStore = false;
  /** Bumped by every open and by disconnecting: an open that finds it changed was superseded and stops. */
  private loadToken = 0;
  private previous?: Snapshot;
  private eventsSubscription?: { unsubscribe(): void };
  private readonly provider = new ContextProvider(this, { context: interviewContext });
  private readonly view = new SelectorController<InterviewActor, Snapshot>(this, (s) => s);

  /** The running interview actor (for hosts that want to drive or observe it directly). */
  get actor(): InterviewActor | undefined {
    return this.session?.actor;
  }

  /** Resolves when the last position snapshot has been written (answers are always written before moving on). */
  async settled(): Promise<void> {
    await this.session?.settled();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const reload = (['instrument', 'round', 'clientId', 'client', 'store', 'overlays'] as const).some((k) => changed.has(k));
    const otherInterview = changed.has('interviewId') && this.interviewId !== (this.record?.id ?? '');
    if (reload || otherInterview) void this.open();
    if (changed.has('lang') && this.session && this.instrumentCompiled) this.provide();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A removed element (e.g. the app moved on to another route) must not go on to create an interview record.
    this.loadToken++;
    this.close();
    globalThis.removeEventListener?.(STORAGE_VERSION_CHANGE, this.onVersionChange);
    globalThis.document?.removeEventListener('visibilitychange', this.onVisibilityChange);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.addEventListener?.(STORAGE_VERSION_CHANGE, this.onVersionChange);
    globalThis.document?.addEventListener('visibilitychange', this.onVisibilityChange);
    if (!this.session && this.hasUpdated) void this.open();
  }

  private readonly onVersionChange = (): void => {
    if (!this.usesDefaultStore) return;
    this.focusWasInside = this.shadowRoot?.activeElement != null;
    this.storeSuperseded = true;
  };
  private focusWasInside = false;

  /** Coming back to a tab that waits for the lock shows what the other tab has saved since. */
  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === 'visible') void this.refreshReadOnly?.().catch(() => undefined); // the last view stays
  };

  private close(): void {
    this.lock?.release();
    this.lock = undefined;
    this.lockedElsewhere = false;
    this.readOnly = undefined;
    this.refreshReadOnly = undefined;
    this.integrity = undefined;
    this.integrityStore = undefined;
    this.eventsSubscription?.unsubscribe();
    this.session?.stop();
    this.session = undefined;
    this.view.actor = undefined;
  }

  /** The instrument given, or else the built-in one the interview record names (resuming by id alone). */
  private async resolveInstrument(record?: InterviewRecord): Promise<CompiledInstrument> {
    const source = this.instrument || record?.instrumentId || '';
    const given = isCompiled(source) ? source : await this.compile(typeof source === 'string' ? await builtinDefinition(source) : source);
    if (!record || (given.id === record.instrumentId && given.version === record.instrumentVersion)) return given;
    // A record resumes on the version it was taken with, even after a newer one is installed.
    const taken = `${record.instrumentId}@${record.instrumentVersion}`;
    const doc = await builtinDefinitionAt(record.instrumentId, record.instrumentVersion);
    if (doc === undefined) {
      throw new DefinitionError([
        { path: '', message: `Interview ${record.id} was taken with ${taken}, which this app does not have (it has ${given.id}@${given.version}); it must be resumed on ${taken}` },
      ]);
    }
    return this.compile(doc);
  }

  private async compile(doc: unknown): Promise<CompiledInstrument> {
    // A host's own definition may embed a built-in one (as DOK embeds AUDIT).
    const result = await resolveDefinition(doc, builtinDefinition);
    if (!result.ok) throw new DefinitionError(result.problems);
    return compileWithOverlays(result.definition, this.overlays);
  }

  private async open(): Promise<void> {
    const token = ++this.loadToken;
    this.close();
    this.loadError = null;
    if (!this.interviewId && !(this.instrument && this.round)) return;
    try {
      this.usesDefaultStore = !this.store;
      if (this.store) this.storeSuperseded = false; // a host's own store is not the one another tab upgraded
      const store = this.store ?? (await defaultStore());
      let record: InterviewRecord | undefined;
      let instrument: CompiledInstrument;
      if (this.interviewId) {
        record = await store.getInterview(this.interviewId);
        if (!record) throw new StorageError('not-found', `No interview with id ${this.interviewId} in this store`);
        instrument = await this.resolveInstrument(record);
      } else {
        instrument = await this.resolveInstrument();
        const client = this.client ?? (this.clientId ? await store.getClient(this.clientId) : undefined);
        if (!client) throw new Error('Give a client (property) or client-id to start a new interview');
        // Checked last before the record is written: an element removed or re-pointed meanwhile leaves no orphan.
        if (token !== this.loadToken) return;
        record = await startInterview({ store, instrument, client, round: this.round, mode: this.mode, ...(this.interviewer ? { interviewer: this.interviewer } : {}) });
        if (token !== this.loadToken) return;
        this.dispatchEvent(
          new CustomEvent<AsiStartDetail>('asi-start', {
            detail: { interviewId: record.id, clientId: client.id, instrument: instrument.id, round: record.round },
            bubbles: true,
            composed: true,
          }),
        );
      }
      // Only one tab may write to an interview; a second one waits here and opens it when the first lets go.
      const lock = (this.lock = new EditLock(record.id));
      if (!(await lock.tryAcquire())) {
        if (token !== this.loadToken) return;
        this.lockedElsewhere = true;
        const { id, round } = record;
        const readOnly = (this.refreshReadOnly = async () => {
          const answers = answerMapFromRecords(await store.getAnswers(id));
          if (token === this.loadToken && this.refreshReadOnly === readOnly) this.readOnly = { instrument, round, plan: planInterview(instrument, round, answers) };
        });
        await readOnly();
        if (!(await lock.acquire()) || token !== this.loadToken) return;
        this.lockedElsewhere = false;
        this.readOnly = undefined;
        this.refreshReadOnly = undefined;
        record = (await store.getInterview(record.id)) ?? record; // the other tab may have moved on
      }
      if (token !== this.loadToken) return;
      // Every open checks the interview against its audit trail; a mismatch blocks editing until acknowledged.
      const report = await store.verifyInterview(record.id);
      if (token !== this.loadToken) return;
      if (!report.ok) {
        this.integrity = report;
        this.integrityStore = store;
        const { firstBadEvent, problems } = report;
        this.dispatchEvent(
          new CustomEvent<AsiIntegrityDetail>('asi-integrity', {
            detail: { interviewId: record.id, problems, ...(firstBadEvent !== undefined ? { firstBadEvent } : {}) },
            bubbles: true,
            composed: true,
          }),
        );
        return;
      }
      const earlier = await this.earlierRounds(store, instrument, record);
      const session = await openInterview({
        store,
        instrument,
        interview: record,
        ...(this.interviewer ? { actor: this.interviewer } : {}),
        earlier,
      });
      if (token !== this.loadToken) {
        session.stop();
        return;
      }
      this.session = session;
      this.record = record;
      this.interviewId = record.id;
      this.instrumentCompiled = instrument;
      this.scores = record.status === 'completed' ? await store.getScores(record.id) : [];
      this.scoresFor = record.status === 'completed' ? record.id : undefined;
      // Cut-offs differ by sex (AUDIT, DUDIT): the results need the client's.
      this.clientSex = (this.client?.id === record.clientId ? this.client : await store.getClient(record.clientId))?.sex;
      this.previous = session.actor.getSnapshot();
      this.eventsSubscription = session.actor.subscribe((s) => this.onSnapshot(s, store));
      this.view.actor = session.actor;
      this.provide();
      this.emitProgress(this.previous);
    } catch (error) {
      if (token !== this.loadToken) return;
      const problems = error instanceof DefinitionError ? error.problems : undefined;
      const detail: AsiErrorDetail = { message: error instanceof Error ? error.message : String(error), ...(problems ? { problems } : {}) };
      this.loadError = error instanceof StorageError ? { ...detail, code: error.code } : detail;
      this.dispatchEvent(new CustomEvent<AsiErrorDetail>('asi-error', { detail, bubbles: true, composed: true }));
    }
  }

  /** The client's latest earlier round of the same instrument, for "since the last interview" questions. */
  private async earlierRounds(store: InterviewStore, instrument: CompiledInstrument, record: InterviewRecord): Promise<EarlierRound[]> {
    if (!instrument.round(record.round)?.followUp) return [];
    const previous = (await store.listInterviews({ clientId: record.clientId })).find(
      (i) => i.id !== record.id && i.instrumentId === instrument.id && i.status === 'completed' && i.startedAt < record.startedAt,
    );
    if (!previous) return [];
    const answers = answerMapFromRecords(await store.getAnswers(previous.id));
    // The date the previous interview recorded for itself (e.g. ASI G5), else the day it was started.
    const recorded = instrument.def.dateItem ? answers[instrument.def.dateItem]?.value : undefined;
    const date = typeof recorded === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(recorded) ? recorded : previous.startedAt.slice(0, 10);
    return [{ interviewId: previous.id, round: previous.round, date, answers }];
  }

  private provide(): void {
    const value: InterviewContextValue = { actor: this.session!.actor, instrument: this.instrumentCompiled!, lang: this.lang };
    this.provider.setValue(value);
  }

  /** Turns machine transitions into the element's public events. */
  private onSnapshot(next: Snapshot, store: InterviewStore): void {
    const prev = this.previous;
    this.previous = next;
    if (!prev || !this.record) return;
    const interviewId = this.record.id;
    if (prev.matches({ active: 'saving' }) && next.matches({ active: 'answering' })) {
      for (const change of prev.context.pending?.changes ?? []) {
        this.dispatchEvent(
          new CustomEvent<AsiAnswerDetail>('asi-answer', {
            detail: { interviewId, itemId: change.itemId, value: change.value, source: change.source },
            bubbles: true,
            composed: true,
          }),
        );
      }
      this.warning = this.warningFor(next, prev.context.pending?.changes[0]?.itemId);
    }
    if (next.context.saveError && next.context.saveError !== prev.context.saveError) {
      this.dispatchEvent(
        new CustomEvent<AsiSaveErrorDetail>('asi-save-error', {
          // The message in the element's language (the store's own English one is for developers, in the console).
          detail: {
            interviewId,
            itemId: prev.context.pending?.changes[0]?.itemId ?? null,
            code: next.context.saveError.code,
            message: errorMessage(this.lang, next.context.saveError),
          },
          bubbles: true,
          composed: true,
        }),
      );
    }
    if (next.context.plan.answeredCount !== prev.context.plan.answeredCount || next.context.position !== prev.context.position)
      this.emitProgress(next);
    if (next.matches('completed') && !prev.matches('completed')) {
      this.scoresFor = undefined;
      void store.getScores(interviewId).then((scores) => {
        this.scores = scores;
        this.scoresFor = interviewId;
        this.dispatchEvent(
          new CustomEvent<AsiCompleteDetail>('asi-complete', {
            detail: { interviewId, scores: scores.map((s) => ({ scoreId: s.scoreId, value: s.value, missing: s.provenance.missing })) },
            bubbles: true,
            composed: true,
          }),
        );
      });
    }
  }

  private warningFor(snapshot: Snapshot, itemId: string | undefined): { itemId: string; message: string } | null {
    const step = itemId ? snapshot.context.plan.step(itemId) : undefined;
    const broken = step?.item.validate.find((v) => v.level === 'warning' && evaluateCondition(v.rule, snapshot.context.plan.lookup) === false);
    return broken && itemId ? { itemId, message: broken.message[this.lang] } : null;
  }

  private emitProgress(snapshot: Snapshot): void {
    const { plan, position } = snapshot.context;
    this.dispatchEvent(
      new CustomEvent<AsiProgressDetail>('asi-progress', {
        detail: { interviewId: this.record!.id, answered: plan.answeredCount, total: plan.asked.length, position },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private send(event: Parameters<InterviewActor['send']>[0]): void {
    if (this.storeSuperseded) return; // every write would fail: the page must be reloaded first
    this.session?.actor.send(event);
  }

  private onCommit(event: CustomEvent<ControlCommitDetail>): void {
    const snapshot = this.view.value;
    const instrument = this.instrumentCompiled;
    if (!snapshot || !instrument || !snapshot.matches({ active: 'answering' })) return;
    const position = snapshot.context.position;
    const item = position ? instrument.item(position) : undefined;
    if (!item) return;
    const parsed = parseAnswer(instrument, item, event.detail.text);
    if (!parsed.ok) {
      this.rejection = { itemId: item.id, message: parsed.message[this.lang] };
      return;
    }
    this.rejection = null;
    this.send({ type: 'answer.set', value: parsed.value });
  }

  /** Input the element itself refused before it reached the machine (could not be read as an answer). */
  @state() private rejection: { itemId: string; message: string } | null = null;

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'PageUp' || (event.altKey && event.key === 'ArrowLeft')) {
      event.preventDefault();
      this.rejection = null;
      this.send({ type: 'nav.back' });
    } else if (event.altKey && (event.key === 'p' || event.key === 'P')) {
      event.preventDefault();
      this.showPrevious = !this.showPrevious;
    } else if (event.key === 'PageDown' || (event.altKey && event.key === 'ArrowRight')) {
      event.preventDefault();
      this.rejection = null;
      this.send({ type: 'nav.next' });
    }
  }

  private lastFocused: string | undefined;

  protected override async updated(changed: PropertyValues): Promise<void> {
    if (this.storeSuperseded) {
      // The answer field went inert: if the keyboard was in here, put it on the reason rather than nowhere (a host
      // that already moved focus, e.g. to its own reload button, keeps it).
      if (changed.has('storeSuperseded') && this.focusWasInside) this.renderRoot.querySelector<HTMLElement>('[data-superseded]')?.focus();
      return;
    }
    // The warning replaces the question: move focus there so a keyboard user (and a screen reader) meets it first.
    if (this.integrity) {
      if (changed.has('integrity')) {
        const root = this.renderRoot;
        (root.querySelector<HTMLElement>('[data-integrity] input') ?? root.querySelector<HTMLElement>('[data-integrity]'))?.focus();
      }
      return;
    }
    // Move focus to the answer field whenever the current item changes, so the next answer can be typed at once.
    const snapshot = this.view.value;
    if (!snapshot) return;
    const failed = snapshot.matches({ active: 'saveFailed' });
    const key = `${JSON.stringify(snapshot.value)}:${snapshot.context.position}`;
    if (key === this.lastFocused || snapshot.matches({ active: 'saving' })) return;
    this.lastFocused = key;
    const control = this.renderRoot.querySelector<AnswerControl>('[data-control]');
    if (control && !failed) {
      await control.updateComplete;
      control.focus();
    } else {
      this.renderRoot.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
  }

  protected override render() {
    if (this.loadError) {
      return html`<div class="notice error" role="alert">
        <p>${t(this.lang, 'loadFailed', { message: this.loadError.code ? errorMessage(this.lang, this.loadError) : (this.loadError.message.split('\n')[0] ?? '') })}</p>
        ${this.loadError.problems
          ? html`<ul>
              ${this.loadError.problems.map((p) => html`<li><code>${p.path || '(document)'}</code>: ${p.message}</li>`)}
            </ul>`
          : nothing}
      </div>`;
    }
    if (this.lockedElsewhere) return html`${this.renderSuperseded()}${this.renderReadOnly()}`;
    if (this.integrity) return this.renderIntegrity(this.integrity);
    const snapshot = this.view.value;
    const instrument = this.instrumentCompiled;
    if (!snapshot || !instrument || !this.record) return html`<p role="status">${t(this.lang, 'loading')}</p>`;
    const lang = this.lang;
    const { plan } = snapshot.context;
    const self = this.mode === 'self';
    return html`
      <header part="header">
        <h1>${instrument.def.title[lang]}</h1>
        <span class="meta">${self ? t(lang, 'selfIntro') : instrument.round(this.record.round)?.title[lang]}</span>
        ${instrument.def.demo ? html`<span class="badge demo">${t(lang, 'demo')}</span>` : nothing}
        ${this.renderSaveState(snapshot)}
      </header>
      ${!self && instrument.items.some((i) => i.provenance === 'project')
        ? html`<p class="notice project" part="notice">${t(lang, 'projectNotice', { title: instrument.def.title[lang] })}</p>`
        : nothing}
      <div class="progress" part="progress">
        <progress max=${plan.asked.length} value=${plan.answeredCount} aria-label=${t(lang, 'progress', { answered: plan.answeredCount, total: plan.asked.length })}></progress>
        <span>${t(lang, 'progress', { answered: plan.answeredCount, total: plan.asked.length })}</span>
      </div>
      ${this.renderSuperseded()}
      <div class="layout" ?inert=${this.storeSuperseded}>
        ${self ? nothing : html`<asi-section-nav part="sections"></asi-section-nav>`}
        <main part="question" @keydown=${this.onKeydown} @asi-control-commit=${this.onCommit}>
          ${this.renderMain(snapshot, instrument)}
        </main>
      </div>
    `;
  }

  /** The integrity warning: what was found, and (unless records are unreadable) the acknowledgement that unblocks editing. */
  private renderIntegrity(report: IntegrityReport) {
    const lang = this.lang;
    const unreadable = report.problems.some((p) => p.kind === 'unreadable');
    return html`<section class="notice error integrity" role="alert" aria-labelledby="integrity-title" tabindex="-1" data-integrity>
      <h2 id="integrity-title">${t(lang, 'integrityTitle')}</h2>
      <p>${t(lang, 'integrityIntro', { id: report.interviewId })}</p>
      ${report.firstBadEvent !== undefined ? html`<p>${t(lang, 'integrityFirstEvent', { n: report.firstBadEvent + 1 })}</p>` : nothing}
      <ul>
        ${report.problems.map((p) => html`<li>${integrityLine(lang, p)}</li>`)}
      </ul>
      ${unreadable
        ? html`<p>${t(lang, 'integrityRestore')}</p>`
        : html`<form @submit=${this.onAcknowledge}>
            <label>${t(lang, 'integrityReason')} <input name="reason" autocomplete="off" /></label>
            <button type="submit" class="primary">${t(lang, 'integrityAcknowledge')}</button>
          </form>`}
    </section>`;
  }

  private async onAcknowledge(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const store = this.integrityStore;
    const report = this.integrity;
    if (!store || !report) return;
    const reason = new FormData(event.target as HTMLFormElement).get('reason');
    try {
      await store.acknowledgeIntegrity(report.interviewId, {
        actor: this.interviewer || 'interviewer',
        ...(typeof reason === 'string' && reason.trim() ? { reason: reason.trim() } : {}),
      });
      this.integrity = undefined;
      await this.open();
    } catch (error) {
      this.loadError = { message: error instanceof Error ? error.message : String(error), ...(error instanceof StorageError ? { code: error.code } : {}) };
    }
  }

  private renderSuperseded() {
    if (!this.storeSuperseded) return nothing;
    return html`<p class="notice error" role="alert" tabindex="-1" data-superseded>${t(this.lang, 'storageSuperseded')}</p>`;
  }

  /** While another tab edits: the answers it had saved, per section, as text (nothing here can be edited). */
  private renderReadOnly() {
    const lang = this.lang;
    if (!this.readOnly) return html`<p class="notice warning" role="status">${t(lang, 'lockedElsewhere')}</p>`;
    const { instrument, round, plan } = this.readOnly;
    const sections = summarize(instrument, plan, lang);
    const count = sections.reduce((n, s) => n + s.statements.length, 0);
    const self = this.mode === 'self';
    return html`
      <header part="header">
        <h1>${instrument.def.title[lang]}</h1>
        <span class="meta">${self ? t(lang, 'selfIntro') : instrument.round(round)?.title[lang]}</span>
      </header>
      <p class="notice warning" role="status">${t(lang, 'lockedElsewhere')}</p>
      <section class="read-only" aria-labelledby="read-only-title">
        <h2 id="read-only-title">${t(lang, 'lockedAnswers', { count })}</h2>
        ${count === 0
          ? html`<p>${t(lang, 'lockedNoAnswers')}</p>`
          : sections.map(
              (section) => html`<h3>${section.title}</h3>
                <dl>
                  ${section.statements.map(
                    (st) => html`<div>
                      <dt>${self ? nothing : html`<span class="item-id">${st.itemId}</span> `}${st.label}</dt>
                      <dd>${st.answer}${st.autofilled ? html` <small>(${t(lang, 'autofilled')})</small>` : nothing}</dd>
                    </div>`,
                  )}
                </dl>`,
            )}
      </section>
    `;
  }

  private renderSaveState(snapshot: Snapshot) {
    const lang = this.lang;
    if (snapshot.context.saveError) return html`<span class="save-state failed" role="status">${t(lang, 'notSaved')}</span>`;
    const saving = snapshot.matches({ active: 'saving' }) || ['pausing', 'completing', 'resuming', 'terminating', 'reopening'].some((s) => snapshot.matches(s as never));
    return html`<span class="save-state" role="status">${saving ? t(lang, 'saving') : t(lang, 'saved')}</span>`;
  }

  private renderMain(snapshot: Snapshot, instrument: CompiledInstrument) {
    const lang = this.lang;
    if (snapshot.matches('paused'))
      return html`<p>${t(lang, 'paused')}</p>
        <button class="primary" data-autofocus @click=${() => this.send({ type: 'interview.resume' })}>${t(lang, 'resume')}</button>`;
    if (snapshot.matches('terminated'))
      return html`<p role="status">${t(lang, 'terminated', { reason: snapshot.context.terminationReason ?? this.record?.terminationReason ?? '' })}</p>`;
    if (snapshot.matches('completed')) return this.renderCompleted(instrument);
    if (!snapshot.matches('active')) return html`<p role="status">${t(lang, 'saving')}</p>`;
    if (snapshot.matches({ active: 'reviewing' })) return this.renderReview(snapshot, instrument);
    const saveFailed = snapshot.matches({ active: 'saveFailed' });
    return html`
      ${saveFailed ? this.renderSaveError(snapshot) : nothing}
      ${snapshot.context.position === null ? this.renderEnd(snapshot, instrument) : this.renderItem(snapshot, instrument)}
      ${this.mode === 'self' ? nothing : this.renderTerminate()}
    `;
  }

  private renderItem(snapshot: Snapshot, instrument: CompiledInstrument) {
    const lang = this.lang;
    const { position, plan, rejection, earlier, round } = snapshot.context;
    const item = instrument.item(position!)!;
    const step = plan.step(item.id)!;
    const tag = CONTROL_FOR_KIND[item.def.kind] ?? 'asi-text-control';
    const sinceDate = earlier[0]?.date;
    const error =
      (this.rejection?.itemId === item.id ? this.rejection.message : '') || (rejection?.itemId === item.id ? rejection.message[lang] : '');
    const value = step.value === undefined ? '' : String(step.value);
    const busy = !snapshot.matches({ active: 'answering' });
    const sinceText = sinceDate ? this.formatDate(sinceDate) : t(lang, 'theLastInterview');
    const text = item.sinceLast.has(round) ? (item.def.sinceLastText?.[lang] ?? item.def.text[lang]).replaceAll('{since}', sinceText) : item.def.text[lang];
    const previous = earlier[0];
    const previousValue = previous?.answers[item.id]?.value;
    if (this.mode === 'self') return this.renderSelfItem(snapshot, instrument, item, text, value, error, busy);
    return html`
      ${this.warning
        ? html`<div class="notice warning" role="status">
            <strong>${t(lang, 'warning')} ${this.warning.itemId}:</strong> ${this.warning.message}
            <button @click=${() => this.send({ type: 'nav.goto', itemId: this.warning!.itemId })}>${this.warning.itemId}</button>
          </div>`
        : nothing}
      <div class="item-meta">
        <span class="item-id">${item.id}</span>
        <span>${item.section.def.title[lang]}</span>
        ${item.def.timeframe ? html`<span class="badge">${t(lang, `timeframe${item.def.timeframe}` as never)}</span>` : nothing}
        ${item.sinceLast.has(round)
          ? html`<span class="badge">${sinceDate ? t(lang, 'sinceDate', { date: this.formatDate(sinceDate) }) : t(lang, 'sinceLast')}</span>`
          : nothing}
        ${item.def.critical?.length ? html`<span class="badge">★ ${t(lang, 'critical')}</span>` : nothing}
        ${item.provenance === 'project' ? html`<span class="badge">${t(lang, 'projectItem')}</span>` : nothing}
        ${item.provenance === 'local' ? html`<span class="badge">${t(lang, 'localItem')}</span>` : nothing}
      </div>
      ${this.renderCriticalItems(snapshot, instrument, item.id)}
      ${staticHtml`<${unsafeStatic(tag)} data-control .item=${itemView(instrument, item, lang, text)} .value=${value} lang=${lang} .error=${error}></${unsafeStatic(tag)}>`}
      ${previous && this.showPrevious
        ? html`<p class="previous" role="status">
            ${previousValue === undefined
              ? t(lang, 'previousNone', { date: this.formatDate(previous.date) })
              : t(lang, 'previous', { date: this.formatDate(previous.date), value: formatAnswer(instrument, item, previousValue, lang) })}
          </p>`
        : nothing}
      ${step.value !== undefined ? html`<p class="meta">${t(lang, 'current', { value: formatAnswer(instrument, item, step.value, lang) })}</p>` : nothing}
      <div class="actions" part="actions">
        <button type="button" ?disabled=${busy} @click=${() => this.send({ type: 'nav.back' })}>← ${t(lang, 'back')}</button>
        ${item.special.map(
          (code) => html`<button type="button" ?disabled=${busy} @click=${() => this.send({ type: 'answer.set', value: code })}>
            ${t(lang, code === 'X' ? 'codeX' : 'codeN')}
          </button>`,
        )}
        <button type="button" ?disabled=${busy} @click=${() => this.send({ type: 'nav.next' })}>${t(lang, 'next')} →</button>
        ${previous
          ? html`<button type="button" aria-pressed=${String(this.showPrevious)} @click=${() => (this.showPrevious = !this.showPrevious)}>
              ${t(lang, 'showPrevious')}
            </button>`
          : nothing}
        <button type="button" ?disabled=${busy} @click=${() => this.send({ type: 'review.open', sectionId: item.section.id })}>
          ${t(lang, 'review')}
        </button>
        <button type="button" ?disabled=${busy} @click=${() => this.send({ type: 'interview.pause' })}>${t(lang, 'pause')}</button>
        ${snapshot.context.correctionReason
          ? html`<button type="button" class="primary" ?disabled=${busy} @click=${() => this.send({ type: 'interview.complete' })}>
              ${t(lang, 'finishCorrection')}
            </button>`
          : nothing}
      </div>
      <p class="keys">${t(lang, 'keys')}</p>
    `;
  }

  /** The client's own view of a question: the text, the answer control, back/next and "prefer not to answer". */
  private renderSelfItem(
    snapshot: Snapshot,
    instrument: CompiledInstrument,
    item: NonNullable<ReturnType<CompiledInstrument['item']>>,
    text: string,
    value: string,
    error: string,
    busy: boolean,
  ) {
    const lang = this.lang;
    const tag = CONTROL_FOR_KIND[item.def.kind] ?? 'asi-text-control';
    // Help stays: on AUDIT's consumption items it is the standard glass the client needs to count drinks.
    const view = itemView(instrument, item, lang, text);
    return html`
      ${staticHtml`<${unsafeStatic(tag)} data-control .item=${view} .value=${value} lang=${lang} .error=${error}></${unsafeStatic(tag)}>`}
      <div class="actions" part="actions">
        <button type="button" ?disabled=${busy || snapshot.context.plan.asked[0]?.id === item.id} @click=${() => this.send({ type: 'nav.back' })}>
          ← ${t(lang, 'back')}
        </button>
        ${item.special.includes('X')
          ? html`<button type="button" ?disabled=${busy} @click=${() => this.send({ type: 'answer.set', value: 'X' })}>${t(lang, 'selfCodeX')}</button>`
          : nothing}
        <button type="button" ?disabled=${busy} @click=${() => this.send({ type: 'nav.next' })}>${t(lang, 'next')} →</button>
      </div>
      <p class="keys">${t(lang, 'selfKeys')}</p>
    `;
  }

  /** Beside an interviewer rating: the answers it rests on (the items marked critical for it), as the paper form underlines them. */
  private renderCriticalItems(snapshot: Snapshot, instrument: CompiledInstrument, ratingId: string) {
    const critical = instrument.criticalItems(ratingId);
    if (critical.length === 0) return nothing;
    const lang = this.lang;
    const { plan } = snapshot.context;
    return html`<section class="critical" aria-labelledby="critical-title">
      <h2 id="critical-title">${t(lang, 'keyItems')}</h2>
      <dl>
        ${critical
          .filter((i) => plan.step(i.id))
          .map((i) => {
            const step = plan.step(i.id)!;
            const answerText =
              step.state === 'skip' ? t(lang, 'skipped') : step.value === undefined ? t(lang, 'blank') : formatAnswer(instrument, i, step.value, lang);
            return html`<div><dt><span class="item-id">${i.id}</span> ${i.def.text[lang]}</dt><dd>${answerText}</dd></div>`;
          })}
      </dl>
    </section>`;
  }

  /** Section review: every item of the section with its answer (or why it has none), each one a jump target. */
  private renderReview(snapshot: Snapshot, instrument: CompiledInstrument) {
    const lang = this.lang;
    const { plan, reviewSection } = snapshot.context;
    const section = instrument.sections.find((s) => s.id === reviewSection);
    if (!section) return nothing;
    const answerText = (id: string) => {
      const step = plan.step(id);
      if (!step) return '';
      if (step.state === 'skip') return t(lang, 'skipped');
      if (step.value === undefined) return t(lang, 'blank');
      const text = formatAnswer(instrument, step.item, step.value, lang);
      return step.state === 'autofill' ? `${text} (${t(lang, 'autofilled')})` : text;
    };
    return html`<h2>${t(lang, 'reviewTitle', { section: section.def.title[lang] })}</h2>
      <table>
        <thead>
          <tr><th scope="col">${t(lang, 'item')}</th><th scope="col">${t(lang, 'question')}</th><th scope="col">${t(lang, 'answer')}</th><td></td></tr>
        </thead>
        <tbody>
          ${section.items
            .filter((i) => plan.step(i.id))
            .map(
              (i) => html`<tr>
                <th scope="row">${i.id}</th>
                <td>${i.def.text[lang]}</td>
                <td>${answerText(i.id)}</td>
                <td>
                  ${plan.step(i.id)!.state === 'ask'
                    ? html`<button @click=${() => this.send({ type: 'nav.goto', itemId: i.id })} aria-label="${t(lang, 'goTo')} ${i.id}">
                        ${t(lang, 'goTo')}
                      </button>`
                    : nothing}
                </td>
              </tr>`,
            )}
        </tbody>
      </table>
      <div class="actions" part="actions">
        <button class="primary" data-autofocus @click=${() => this.send({ type: 'review.close' })}>${t(lang, 'closeReview')}</button>
      </div>`;
  }

  private formatDate(iso: string): string {
    const [y, m, d] = iso.split('-').map(Number);
    return new Intl.DateTimeFormat(this.lang === 'sv' ? 'sv-SE' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric' }).format(
      new Date(Date.UTC(y!, m! - 1, d!)),
    );
  }

  private renderSaveError(snapshot: Snapshot) {
    const lang = this.lang;
    return html`<div class="notice error" role="alert">
      <p>${t(lang, 'saveFailed', { message: snapshot.context.saveError ? errorMessage(lang, snapshot.context.saveError) : '' })}</p>
      <button class="primary" data-autofocus @click=${() => this.send({ type: 'save.retry' })}>${t(lang, 'retry')}</button>
      <button @click=${() => this.send({ type: 'save.discard' })}>${t(lang, 'discard')}</button>
    </div>`;
  }

  private renderEnd(snapshot: Snapshot, instrument: CompiledInstrument) {
    const lang = this.lang;
    const { plan } = snapshot.context;
    const blank = plan.asked.filter((i) => plan.step(i.id)!.value === undefined);
    return html`<h2>${t(lang, 'end')}</h2>
      ${blank.length > 0
        ? html`<p>${t(lang, 'unanswered', { count: blank.length })}</p>
            <ul class="unanswered">
              ${blank.map(
                (i) => html`<li><button @click=${() => this.send({ type: 'nav.goto', itemId: i.id })} title=${i.def.text[lang]}>
                  ${this.mode === 'self' ? (i.def.label ?? i.def.text)[lang] : i.id}
                </button></li>`,
              )}
            </ul>`
        : nothing}
      <div class="actions" part="actions" @keydown=${this.onKeydown}>
        <button type="button" @click=${() => this.send({ type: 'nav.back' })}>← ${t(lang, 'back')}</button>
        <button class="primary" data-autofocus ?disabled=${blank.length > 0} @click=${() => this.send({ type: 'interview.complete' })}>
          ${t(lang, 'complete')}
        </button>
      </div>
      ${instrument.def.demo ? nothing : nothing}`;
  }

  private renderCompleted(instrument: CompiledInstrument) {
    const lang = this.lang;
    if (this.mode === 'self')
      return html`<p role="status" class="self-done">${t(lang, 'selfDone')}</p>
        <details class="staff">
          <summary>${t(lang, 'selfStaffResults')}</summary>
          ${this.renderResults(instrument)}
        </details>`;
    return html`<p role="status">${t(lang, 'completed')}</p>
      ${this.renderResults(instrument)}
      ${this.record && offersSummary(instrument, this.record.round) ? this.renderSummary(instrument) : nothing}
      ${this.reopening
        ? html`<form @submit=${this.onReopen}>
            <label>${t(lang, 'reopenReason')} <input name="reason" required data-autofocus /></label>
            <button class="primary" type="submit">${t(lang, 'reopen')}</button>
            <button type="button" @click=${() => (this.reopening = false)}>${t(lang, 'cancel')}</button>
          </form>`
        : html`<button data-autofocus @click=${() => (this.reopening = true)}>${t(lang, 'reopen')}</button>`}`;
  }

  /**
   * The feedback summary: the answers as short statements per section. "Correct" reopens the interview at that item
   * with the client's correction as the reason, so the change and its reason land in the audit trail.
   */
  private renderSummary(instrument: CompiledInstrument) {
    const lang = this.lang;
    const sections = summarize(instrument, this.view.value!.context.plan, lang);
    const copy = async (event: Event) => {
      const button = event.currentTarget as HTMLButtonElement;
      await navigator.clipboard?.writeText(summaryText(sections));
      button.textContent = t(lang, 'copied');
    };
    return html`<section class="summary" aria-labelledby="summary-title">
      <h2 id="summary-title">${t(lang, 'summary')}</h2>
      <p class="meta">${t(lang, 'summaryHelp')}</p>
      ${sections.map(
        (section) => html`<h3>${section.title}</h3>
          <ul class="statements">
            ${section.statements.map(
              (st) => html`<li>
                <span class="label">${st.label}:</span> <span class="answer">${st.answer}</span>
                ${st.autofilled ? html`<small>(${t(lang, 'autofilled')})</small>` : nothing}
                ${st.autofilled
                  ? nothing
                  : html`<button
                      class="correct no-print"
                      aria-label="${t(lang, 'correct')}: ${st.label}"
                      @click=${() => this.send({ type: 'interview.reopen', reason: t(lang, 'clientCorrection'), itemId: st.itemId })}
                    >
                      ${t(lang, 'correct')}
                    </button>`}
              </li>`,
            )}
          </ul>`,
      )}
      <div class="actions no-print">
        <button @click=${copy}>${t(lang, 'copySummary')}</button>
        <button @click=${() => window.print()}>${t(lang, 'print')}</button>
      </div>
    </section>`;
  }

  /** Results of a completed interview: the profile chart where the definition has one, else the score table. */
  private renderResults(instrument: CompiledInstrument) {
    const lang = this.lang;
    const plan = this.view.value!.context.plan;
    const ratings = Object.fromEntries(
      (instrument.def.profile ?? []).flatMap((a) => a.ratings ?? []).map((id) => [id, plan.step(id)?.value]),
    );
    // Not before the scores are there: an empty list would show every area as "not computable" for a moment.
    return html`${instrument.def.profile && this.scoresFor === this.interviewId
        ? html`<h2>${t(lang, 'profile')}</h2>
            <asi-profile
              .instrument=${instrument}
              .scores=${this.scores.map((s) => ({ scoreId: s.scoreId, value: s.value, missing: s.provenance.missing }))}
              .ratings=${ratings}
              .sex=${this.clientSex}
              lang=${lang}
            ></asi-profile>
            <div class="actions no-print"><button @click=${() => window.print()}>${t(lang, 'print')}</button></div>`
        : nothing}
      ${this.scores.length > 0 && !instrument.def.profile
        ? html`<table>
            <caption class="visually-hidden">${t(lang, 'scores')}</caption>
            <thead><tr><th scope="col">${t(lang, 'score')}</th><th scope="col">${t(lang, 'value')}</th></tr></thead>
            <tbody>
              ${this.scores.map((s) => {
                const def = instrument.scores.find((x) => x.id === s.scoreId)?.def;
                return html`<tr>
                  <th scope="row">${def?.title[lang] ?? s.scoreId}</th>
                  <td class="number">
                    ${s.value === null
                      ? t(lang, 'notComputable', { items: s.provenance.missing.join(', ') })
                      : formatScore(instrument, s.scoreId, s.value)}
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`
        : nothing}`;
  }

  private onReopen(event: SubmitEvent): void {
    event.preventDefault();
    const reason = new FormData(event.target as HTMLFormElement).get('reason');
    if (typeof reason !== 'string' || reason.trim() === '') return;
    this.reopening = false;
    this.send({ type: 'interview.reopen', reason: reason.trim() });
  }

  private renderTerminate() {
    const lang = this.lang;
    if (!this.terminating)
      return html`<details @toggle=${(e: Event) => (this.terminating = (e.target as HTMLDetailsElement).open)}>
        <summary>${t(lang, 'terminate')}</summary>
      </details>`;
    return html`<fieldset>
      <legend>${t(lang, 'terminate')}</legend>
      ${(['reasonTerminated', 'reasonRefused', 'reasonUnable'] as const).map(
        (key) => html`<button type="button" @click=${() => {
          this.terminating = false;
          this.send({ type: 'interview.terminate', reason: t(lang, key) });
        }}>${t(lang, key)}</button> `,
      )}
      <button type="button" @click=${() => (this.terminating = false)}>${t(lang, 'cancel')}</button>
    </fieldset>`;
  }
}
