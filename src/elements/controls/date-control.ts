// Control for dates (YYYY-MM-DD) and clock times (HH:MM), typed rather than picked: faster from the keyboard.
import { AnswerControl } from './answer-control.js';

/** @summary Answers a date or time item. @fires asi-control-commit @csspart input */
export class AsiDateControl extends AnswerControl {
  protected renderInput() {
    const isTime = this.item?.kind === 'time';
    const format = isTime ? (this.lang === 'sv' ? 'TT:MM' : 'HH:MM') : this.lang === 'sv' ? 'ÅÅÅÅ-MM-DD' : 'YYYY-MM-DD';
    return this.textInput({ inputmode: 'numeric', size: isTime ? 6 : 12, placeholder: format, hint: format + this.specialHint() });
  }
}
