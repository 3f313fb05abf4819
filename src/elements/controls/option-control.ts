// Control for yes/no, scales and code lists: type the code and Enter, or pick an option; scale bands shown beside.
import { css, html, nothing } from 'lit';
import { AnswerControl } from './answer-control.js';

/** @summary Answers a yes/no, scale or code-list item. @fires asi-control-commit @csspart input @csspart options @csspart option */
export class AsiOptionControl extends AnswerControl {
  static override styles = [
    AnswerControl.styles,
    css`
      ol {
        list-style: none;
        padding: 0;
        margin: 0.75rem 0 0;
        display: grid;
        gap: 0.25rem;
      }
      button.option {
        display: flex;
        gap: 0.75rem;
        align-items: baseline;
        inline-size: 100%;
        text-align: start;
        font: inherit;
        padding: 0.35rem 0.6rem;
        border: 1px solid var(--asi-border-color, #6b7280);
        border-radius: var(--asi-radius, 6px);
        background: var(--asi-option-background, #fff);
        color: inherit;
        cursor: pointer;
      }
      button.option[aria-pressed='true'] {
        background: var(--asi-selected-background, #dbeafe);
        border-color: var(--asi-focus-color, #1d4ed8);
        font-weight: 600;
      }
      .code {
        font-variant-numeric: tabular-nums;
        font-weight: 700;
        min-inline-size: 2ch;
      }
      .band {
        color: var(--asi-muted-color, #4a5563);
        font-size: 0.875rem;
        margin-inline-start: auto;
      }
    `,
  ];

  protected renderInput() {
    const item = this.item!;
    const bandOf = (v: number) => item.bands?.find((b) => v >= b.min && v <= b.max);
    return html`${this.textInput({ inputmode: 'numeric', size: 4, hint: this.hintTypeCode })}
      <ol part="options" aria-label=${item.text}>
        ${(item.options ?? []).map((o) => {
          const band = bandOf(o.value);
          const startsBand = band && band.min === o.value;
          return html`<li>
            <button
              class="option"
              part="option"
              type="button"
              tabindex="-1"
              aria-pressed=${String(this.value === String(o.value))}
              @click=${() => this.commit(String(o.value))}
            >
              <span class="code">${o.value}</span><span>${o.label === String(o.value) ? nothing : o.label}</span>
              ${startsBand ? html`<span class="band">${band.min}–${band.max} ${band.label}</span>` : nothing}
            </button>
          </li>`;
        })}
      </ol>`;
  }
}
