// Control for years+months: two fields, Enter in either commits "years months".
import { html } from 'lit';
import { queryAll } from 'lit/decorators.js';
import type { PropertyValues } from 'lit';
import { t } from '../i18n.js';
import { AnswerControl } from './answer-control.js';

/** @summary Answers a years-and-months item. @fires asi-control-commit @csspart input */
export class AsiDurationControl extends AnswerControl {
  @queryAll('input') private fields!: NodeListOf<HTMLInputElement>;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.resetsField(changed) && this.fields?.length === 2) {
      const [y, m] = this.split(this.value);
      this.fields[0]!.value = y;
      this.fields[1]!.value = m;
    }
  }

  /** "30" months → ["2", "6"]; codes and blanks go in the years field. */
  private split(value: string): [string, string] {
    if (/^\d+$/.test(value)) return [String(Math.floor(Number(value) / 12)), String(Number(value) % 12)];
    return [value, ''];
  }

  protected override currentText(): string {
    const [y, m] = [this.fields[0]?.value.trim() ?? '', this.fields[1]?.value.trim() ?? ''];
    if (/^[xn]$/i.test(y) && m === '') return y;
    return `${y || '0'} ${m || '0'}`;
  }

  protected renderInput() {
    const [y, m] = this.split(this.value);
    return html`<span role="group" aria-labelledby="years-label months-label">
      <input
        id=${this.inputId}
        part="input"
        type="text"
        inputmode="numeric"
        size="4"
        autocomplete="off"
        .value=${y}
        aria-invalid=${this.error ? 'true' : 'false'}
        aria-describedby=${this.describedBy()}
        @keydown=${this.onKeydown}
      /><span class="hint" id="years-label">${t(this.lang, 'years')}</span>
      <input
        part="input"
        type="text"
        inputmode="numeric"
        size="3"
        autocomplete="off"
        aria-label=${t(this.lang, 'months')}
        .value=${m}
        @keydown=${this.onKeydown}
      /><span class="hint" id="months-label">${t(this.lang, 'months')}</span>
      <span class="hint" id="hint">${this.specialHint()}</span>
    </span>`;
  }
}
