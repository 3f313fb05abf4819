// Contract every item-kind control must pass (label, focus, commit, silent programmatic updates, errors, language, axe): one table row per kind.
import { expect, fixture, html, unsafeStatic } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { SendKeysPayload } from '@web/test-runner-commands';
import '../../src/elements/define.js';
import type { AnswerControl, ControlCommitDetail } from '../../src/elements/controls/answer-control.js';
import type { ItemView } from '../../src/elements/controls/item-view.js';
import { CONTROL_FOR_KIND, CONTROL_TAGS } from '../../src/elements/controls/registry.js';

interface ControlCase {
  item: ItemView;
  /** What the interviewer types before pressing Enter. */
  keys: SendKeysPayload[];
  /** The `detail.text` the commit must carry. */
  committed: string;
  /** A stored answer set by code, and what each text field must then show (in order). */
  value: string;
  fields: string[];
  /** Text of the hint in each language, as exposed to assistive technology. */
  hint: { sv: string; en: string };
  /** Option controls: the label of an option to click, and the code that click must commit. */
  click?: { label: string; code: string };
}

const YES_NO = [
  { value: 0, label: 'Nej' },
  { value: 1, label: 'Ja' },
];
const TYPE_CODE = { sv: 'Skriv koden och tryck Enter', en: 'Type the code and press Enter' };

/** One row per item kind: adding a kind to the registry means adding a row here. */
const CASES: Record<string, ControlCase> = {
  days: {
    item: { id: 'H_DAYS', kind: 'days', text: 'Hur många av de senaste 30 dagarna har du haft kroppsliga besvär?', special: ['X', 'N'] },
    keys: [{ type: '12' }],
    committed: '12',
    value: '7',
    fields: ['7'],
    hint: { sv: 'dagar (0–30)', en: 'days (0–30)' },
  },
  count: {
    item: { id: 'H_HOSP', kind: 'count', unit: 'times', text: 'Hur ofta har du legat på sjukhus?', special: [] },
    keys: [{ type: '3' }],
    committed: '3',
    value: '2',
    fields: ['2'],
    hint: { sv: 'gånger', en: 'times' },
  },
  money: {
    item: { id: 'W_INCOME', kind: 'money', text: 'Hur mycket har du tjänat de senaste 30 dagarna, efter skatt?', special: ['X'] },
    keys: [{ type: '5000' }],
    committed: '5000',
    value: '1200',
    fields: ['1200'],
    hint: { sv: 'kronor', en: 'kronor (SEK)' },
  },
  yesno: {
    item: { id: 'H_CHRONIC', kind: 'yesno', text: 'Har du någon långvarig sjukdom?', options: YES_NO, special: [] },
    keys: [{ type: '1' }],
    committed: '1',
    value: '0',
    fields: ['0'],
    hint: TYPE_CODE,
    click: { label: 'Ja', code: '1' },
  },
  scale: {
    item: {
      id: 'H_SEVERITY',
      kind: 'scale',
      text: 'INTERVJUAREN: hur stort är behovet av hjälp?',
      options: Array.from({ length: 10 }, (_, v) => ({ value: v, label: String(v) })),
      bands: [
        { min: 0, max: 1, label: 'Inget problem' },
        { min: 2, max: 3, label: 'Litet problem' },
        { min: 4, max: 5, label: 'Måttligt problem' },
        { min: 6, max: 7, label: 'Betydande problem' },
        { min: 8, max: 9, label: 'Mycket stort problem' },
      ],
      special: [],
    },
    keys: [{ type: '4' }],
    committed: '4',
    value: '6',
    fields: ['6'],
    hint: TYPE_CODE,
    click: { label: 'Betydande problem', code: '6' },
  },
  choice: {
    item: {
      id: 'G_HOUSING',
      kind: 'choice',
      text: 'Hur bor du just nu?',
      options: [
        { value: 1, label: 'Egen bostad' },
        { value: 2, label: 'Hos familj eller vänner' },
        { value: 3, label: 'Boende med stöd' },
        { value: 4, label: 'Utan fast bostad' },
      ],
      special: ['X'],
    },
    keys: [{ type: '2' }],
    committed: '2',
    value: '3',
    fields: ['3'],
    hint: TYPE_CODE,
    click: { label: 'Boende med stöd', code: '3' },
  },
  duration: {
    item: { id: 'G_HOUSING_TIME', kind: 'duration', text: 'Hur länge har du bott där?', help: 'T.ex. 2 6 för två och ett halvt', special: [] },
    keys: [{ type: '2' }, { press: 'Tab' }, { type: '6' }],
    committed: '2 6',
    value: '30',
    fields: ['2', '6'],
    hint: { sv: 'månader', en: 'months' },
  },
  date: {
    item: { id: 'G_DATE', kind: 'date', text: 'Datum för intervjun', special: [] },
    keys: [{ type: '20261122' }],
    committed: '20261122',
    value: '2026-11-22',
    fields: ['2026-11-22'],
    hint: { sv: 'ÅÅÅÅ-MM-DD', en: 'YYYY-MM-DD' },
  },
  time: {
    item: { id: 'G_START', kind: 'time', text: 'Klockslag då intervjun började', special: ['X'] },
    keys: [{ type: '0930' }],
    committed: '0930',
    value: '09:30',
    fields: ['09:30'],
    hint: { sv: 'TT:MM', en: 'HH:MM' },
  },
  text: {
    item: { id: 'H_CHRONIC_SPEC', kind: 'text', text: 'Vilken sjukdom?', maxLength: 200, special: ['X'] },
    keys: [{ type: 'Astma' }],
    committed: 'Astma',
    value: 'Diabetes typ 2',
    fields: ['Diabetes typ 2'],
    hint: { sv: 'Skift+Enter ny rad', en: 'Shift+Enter new line' },
  },
};

const ERROR = 'Ange ett tal mellan 0 och 30';

async function render(kind: string, lang: 'sv' | 'en' = 'sv'): Promise<AnswerControl> {
  const tag = unsafeStatic(CONTROL_FOR_KIND[kind]!);
  return fixture<AnswerControl>(html`<${tag} .item=${CASES[kind]!.item} lang=${lang}></${tag}>`);
}

/** The field the question labels (the one that takes focus and the answer). */
function answerField(el: AnswerControl): HTMLInputElement | HTMLTextAreaElement {
  const label = el.shadowRoot!.querySelector('label')!;
  const field = el.shadowRoot!.getElementById(label.htmlFor);
  expect(field, `no field with the id "${label.htmlFor}" the label points to`).to.exist;
  return field as HTMLInputElement | HTMLTextAreaElement;
}

function textFields(el: AnswerControl): (HTMLInputElement | HTMLTextAreaElement)[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')];
}

/** Text that assistive technology associates with the fields: aria-describedby / aria-labelledby targets, aria-label. */
function assistiveText(el: AnswerControl): string {
  const root = el.shadowRoot!;
  const parts: string[] = [];
  for (const node of root.querySelectorAll('[aria-describedby], [aria-labelledby], [aria-label]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (node.getAttribute(attr) ?? '').split(/\s+/).filter(Boolean)) parts.push(root.getElementById(id)?.textContent ?? '');
    }
    parts.push(node.getAttribute('aria-label') ?? '');
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}

/** Counts events that a programmatic update must never fire (native change does not cross the shadow root). */
function recordEvents(el: AnswerControl): string[] {
  const seen: string[] = [];
  for (const type of ['input', 'change']) {
    el.shadowRoot!.addEventListener(type, () => seen.push(type), { capture: true });
    el.addEventListener(type, () => seen.push(`${type} (host)`));
  }
  el.addEventListener('asi-control-commit', () => seen.push('asi-control-commit'));
  return seen;
}

function recordCommits(el: AnswerControl): string[] {
  const texts: string[] = [];
  el.addEventListener('asi-control-commit', (e) => texts.push((e as CustomEvent<ControlCommitDetail>).detail.text));
  return texts;
}

function expectHint(text: string, shown: string, hidden: string): void {
  expect(text).to.include(shown);
  if (!shown.includes(hidden)) expect(text).not.to.include(hidden);
}

describe('item-kind control contract', () => {
  it('has a contract row for every kind, and covers every control tag', () => {
    expect(Object.keys(CASES)).to.have.members(Object.keys(CONTROL_FOR_KIND));
    expect(new Set(Object.keys(CASES).map((kind) => CONTROL_FOR_KIND[kind]))).to.deep.equal(new Set(Object.keys(CONTROL_TAGS)));
  });

  for (const [kind, row] of Object.entries(CASES)) {
    describe(`${kind} (<${CONTROL_FOR_KIND[kind]}>)`, () => {
      afterEach(async () => {
        await resetMouse();
      });

      it('labels the focused answer field with the question', async () => {
        const el = await render(kind);
        const label = el.shadowRoot!.querySelector('label')!;
        expect(label.textContent!.trim()).to.equal(row.item.text);
        const field = answerField(el);
        expect(field.id).to.equal(label.htmlFor);
        expect([...(field.labels ?? [])].map((l) => l.textContent!.trim())).to.deep.equal([row.item.text]);
        el.focus();
        expect(el.shadowRoot!.activeElement).to.equal(field);
      });

      it('focus() puts the caret in the answer field', async () => {
        const el = await render(kind);
        el.focus();
        expect(document.activeElement).to.equal(el);
        expect(el.shadowRoot!.activeElement).to.equal(answerField(el));
      });

      it(`typing and Enter fires one asi-control-commit with "${row.committed}"`, async () => {
        const el = await render(kind);
        const commits = recordCommits(el);
        el.focus();
        for (const keys of row.keys) await sendKeys(keys);
        await sendKeys({ press: 'Enter' });
        await el.updateComplete;
        expect(commits).to.deep.equal([row.committed]);
      });

      if (row.click) {
        const { label, code } = row.click;
        it(`clicking the option "${label}" commits its code ${code}`, async () => {
          const el = await render(kind);
          const commits = recordCommits(el);
          const option = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes(label));
          expect(option, `no option "${label}"`).to.exist;
          const box = option!.getBoundingClientRect();
          await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
          await el.updateComplete;
          expect(commits).to.deep.equal([code]);
        });
      }

      it('shows a value set by code without firing input, change or asi-control-commit', async () => {
        const el = await render(kind);
        // The interviewer has typed something (not committed) when the host sets the stored answer.
        el.focus();
        await sendKeys(row.keys[0]!);
        const events = recordEvents(el);
        el.value = row.value;
        await el.updateComplete;
        expect(textFields(el).map((f) => f.value)).to.deep.equal(row.fields);
        el.value = '';
        await el.updateComplete;
        expect(textFields(el).every((f) => f.value === '')).to.equal(true, 'clearing the value clears the fields');
        expect(events).to.deep.equal([]);
      });

      it('keeps what was typed when the host re-renders the same item, and clears it for another item', async () => {
        const el = await render(kind);
        el.focus();
        for (const keys of row.keys) await sendKeys(keys);
        const typed = textFields(el).map((f) => f.value);
        expect(typed.some((v) => v !== '')).to.equal(true);
        // The runner builds a new ItemView on every render (a refusal, a failed save, a language switch).
        el.item = { ...row.item };
        el.error = ERROR;
        await el.updateComplete;
        expect(textFields(el).map((f) => f.value)).to.deep.equal(typed);
        el.item = { ...row.item, id: `${row.item.id}_NEXT` };
        el.error = '';
        await el.updateComplete;
        expect(textFields(el).every((f) => f.value === '')).to.equal(true, 'a different item starts blank');
      });

      it('shows an error as an alert that describes the invalid field', async () => {
        const el = await render(kind);
        expect(el.shadowRoot!.querySelector('[role=alert]')).to.equal(null);
        expect(answerField(el).getAttribute('aria-invalid')).to.equal('false');
        el.error = ERROR;
        await el.updateComplete;
        const alert = el.shadowRoot!.querySelector('[role=alert]');
        expect(alert, 'no role=alert').to.exist;
        expect(alert!.textContent!.trim()).to.equal(ERROR);
        const field = answerField(el);
        expect(field.getAttribute('aria-invalid')).to.equal('true');
        expect(alert!.id, 'the alert needs an id to be referenced').to.not.equal('');
        expect((field.getAttribute('aria-describedby') ?? '').split(/\s+/)).to.include(alert!.id);
        el.error = '';
        await el.updateComplete;
        expect(el.shadowRoot!.querySelector('[role=alert]')).to.equal(null);
        expect(answerField(el).getAttribute('aria-invalid')).to.equal('false');
      });

      it('switches the hint language with lang', async () => {
        const el = await render(kind, 'sv');
        expectHint(assistiveText(el), row.hint.sv, row.hint.en);
        el.lang = 'en';
        await el.updateComplete;
        expectHint(assistiveText(el), row.hint.en, row.hint.sv);
        el.lang = 'sv';
        await el.updateComplete;
        expectHint(assistiveText(el), row.hint.sv, row.hint.en);
      });

      it('has no axe violations', async () => {
        const el = await render(kind);
        await expect(el).to.be.accessible();
      });

      it('has no axe violations with an error shown', async () => {
        const el = await render(kind);
        el.error = ERROR;
        await el.updateComplete;
        await expect(el).to.be.accessible();
      });
    });
  }
});
