// Base class of the item controls: the question as the label, one input, Enter commits the typed text to the runner.
import { LitElement, css, html, nothing, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { Language } from '../../core/definition/text.js';
import { t } from '../i18n.js';
import type { ItemView } from './item-view.js';

export interface ControlCommitDetail {
  /** What the interviewer typed or picked; the runner parses it against the item (core decides validity). */
  text: string;
}

/**
 * A control fires `asi-control-commit` when the interviewer commits an answer (Enter, or picking an option), and the
 * native `input` event while typing. It never fires anything when its properties are set by code.
 */
export abstract class AnswerControl extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles: CSSResultGroup = css`
    :host {
      display: block;
    }
    label.question {
      display: block;
      font-size: var(--asi-question-font-size, 1.25rem);
      font-weight: 600;
      line-height: 1.35;
      margin-block-end: 0.5rem;
    }
    .help {
      color: var(--asi-muted-color, #4a5563);
      margin-block: 0 0.75rem;
    }
    input,
    textarea {
      font: inherit;
      font-size: 1.125rem;
      padding: 0.4rem 0.6rem;
      border: 2px solid var(--asi-border-color, #6b7280);
      border-radius: var(--asi-radius, 6px);
      background: var(--asi-input-background, #fff);
      color: inherit;
      min-inline-size: 8ch;
    }
    input:focus-visible,
    textarea:focus-visible,
    button:focus-visible {
      outline: 3px solid var(--asi-focus-color, #1d4ed8);
      outline-offset: 2px;
    }
    input[aria-invalid='true'] {
      border-color: var(--asi-error-color, #b91c1c);
    }
    .error {
      color: var(--asi-error-color, #b91c1c);
      font-weight: 600;
      margin-block-start: 0.5rem;
    }
    .hint {
      color: var(--asi-muted-color, #4a5563);
      font-size: 0.875rem;
      margin-inline-start: 0.5rem;
    }
  `;

  @property({ attribute: false }) item?: ItemView;
  /** The stored answer as text to edit (empty when blank). */
  @property() value = '';
  @property({ reflect: true }) override lang: Language = 'sv';
  /** Why the last commit was refused, shown under the input. */
  @property() error = '';

  @query('input, textarea') protected field?: HTMLInputElement | HTMLTextAreaElement;

  override focus(options?: FocusOptions): void {
    this.field?.focus(options);
    if (this.field instanceof HTMLInputElement) this.field.select();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new item or a restored answer resets the field without firing input/change (programmatic, not user input).
    if (this.resetsField(changed) && this.field) this.field.value = this.value;
  }

  /**
   * Whether an update replaces what is in the field: a different item (by id) or a new stored value. Hosts build a new
   * ItemView on every render (a refusal, a failed save, a language switch), which must not erase what was typed.
   */
  protected resetsField(changed: PropertyValues<this>): boolean {
    const previous = changed.get('item') as ItemView | undefined;
    return changed.has('value') || (changed.has('item') && previous?.id !== this.item?.id);
  }

  protected commit(text: string): void {
    this.dispatchEvent(new CustomEvent<ControlCommitDetail>('asi-control-commit', { detail: { text }, bubbles: true, composed: true }));
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.commit(this.currentText());
    }
  }

  protected currentText(): string {
    return this.field?.value ?? '';
  }

  protected get inputId(): string {
    return `answer-${this.item?.id ?? ''}`;
  }

  protected describedBy(): string {
    return ['help', this.error ? 'error' : '', 'hint'].filter(Boolean).join(' ');
  }

  protected abstract renderInput(): TemplateResult;

  protected override render() {
    if (!this.item) return nothing;
    return html`
      <label class="question" part="question" for=${this.inputId}>${this.item.text}</label>
      ${this.item.help ? html`<p class="help" id="help" part="help">${this.item.help}</p>` : nothing}
      ${this.renderInput()}
      ${this.error ? html`<p class="error" id="error" role="alert" part="error">${this.error}</p>` : nothing}
    `;
  }

  protected specialHint(): string {
    return this.item?.special.length ? ` (${this.item.special.join(', ')})` : '';
  }

  protected textInput(opts: { inputmode?: string; size?: number; placeholder?: string; hint?: string } = {}): TemplateResult {
    return html`<input
        id=${this.inputId}
        part="input"
        type="text"
        autocomplete="off"
        spellcheck="false"
        inputmode=${opts.inputmode ?? 'text'}
        size=${opts.size ?? 10}
        placeholder=${opts.placeholder ?? ''}
        .value=${this.value}
        aria-invalid=${this.error ? 'true' : 'false'}
        aria-describedby=${this.describedBy()}
        @keydown=${this.onKeydown}
      />${opts.hint ? html`<span class="hint" id="hint">${opts.hint}</span>` : nothing}`;
  }

  protected get hintTypeCode(): string {
    return t(this.lang, 'typeCode') + this.specialHint();
  }
}
