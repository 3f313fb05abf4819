// Control for free text: Enter commits, Shift+Enter starts a new line.
import { html } from 'lit';
import { AnswerControl } from './answer-control.js';

/** @summary Answers a free-text item. @fires asi-control-commit @csspart input */
export class AsiTextControl extends AnswerControl {
  protected renderInput() {
    return html`<textarea
        id=${this.inputId}
        part="input"
        rows="3"
        cols="50"
        maxlength=${this.item?.maxLength ?? 2000}
        .value=${this.value}
        aria-invalid=${this.error ? 'true' : 'false'}
        aria-describedby=${this.describedBy()}
        @keydown=${this.onKeydown}
      ></textarea
      ><span class="hint" id="hint">${this.lang === 'sv' ? 'Skift+Enter ny rad' : 'Shift+Enter new line'}${this.specialHint()}</span>`;
  }
}
