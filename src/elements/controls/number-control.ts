// Control for days (0–30), counts and money: a number field with its unit.
import { html } from 'lit';
import { AnswerControl } from './answer-control.js';

const UNITS: Record<string, { sv: string; en: string }> = {
  days: { sv: 'dagar (0–30)', en: 'days (0–30)' },
  money: { sv: 'kronor', en: 'kronor (SEK)' },
  times: { sv: 'gånger', en: 'times' },
  years: { sv: 'år', en: 'years' },
  months: { sv: 'månader', en: 'months' },
  people: { sv: 'personer', en: 'people' },
};

/** @summary Answers a days, count or money item. @fires asi-control-commit @csspart input @csspart question @csspart help @csspart error */
export class AsiNumberControl extends AnswerControl {
  protected renderInput() {
    const unit = UNITS[this.item?.kind === 'days' ? 'days' : this.item?.kind === 'money' ? 'money' : (this.item?.unit ?? '')];
    return this.textInput({ inputmode: 'numeric', size: 10, hint: (unit ? unit[this.lang] : '') + this.specialHint() });
  }
}
