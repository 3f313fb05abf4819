// Section list beside the question: progress per section, and every asked item of the current section to jump to.
import { consume } from '@lit/context';
import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { InterviewActor } from '../../core/flow/session.js';
import { SelectorController } from '../controllers/selector-controller.js';
import { interviewContext, type InterviewContextValue } from '../context.js';
import { t } from '../i18n.js';

/**
 * @summary Lists the sections of the running interview and the items of the current one; choosing an item jumps to it.
 * Must be placed inside <asi-interview> (it takes the interview from context).
 * @csspart section @csspart item
 */
export class AsiSectionNav extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-size: 0.9375rem;
    }
    h2 {
      font-size: 1rem;
      margin: 0 0 0.5rem;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    button {
      font: inherit;
      color: inherit;
      background: none;
      border: 0;
      border-radius: 4px;
      padding: 0.2rem 0.35rem;
      inline-size: 100%;
      text-align: start;
      cursor: pointer;
      display: flex;
      gap: 0.4rem;
    }
    button:hover {
      background: var(--asi-hover-background, #eef2ff);
    }
    button:focus-visible {
      outline: 3px solid var(--asi-focus-color, #1d4ed8);
    }
    .section > button {
      font-weight: 600;
    }
    .count {
      margin-inline-start: auto;
      color: var(--asi-muted-color, #4a5563);
      font-variant-numeric: tabular-nums;
    }
    .items {
      margin-inline-start: 0.75rem;
      border-inline-start: 2px solid var(--asi-border-color, #d1d5db);
      padding-inline-start: 0.25rem;
    }
    [aria-current='step'] {
      background: var(--asi-selected-background, #dbeafe);
      font-weight: 600;
    }
    .id {
      font-variant-numeric: tabular-nums;
      min-inline-size: 7ch;
      color: var(--asi-muted-color, #4a5563);
    }
    .mark {
      inline-size: 1.2em;
    }
  `;

  @consume({ context: interviewContext, subscribe: true })
  @property({ attribute: false })
  interview?: InterviewContextValue;

  private readonly state = new SelectorController<InterviewActor, { plan: unknown; position: string | null }>(
    this,
    (s) => ({ plan: s.context.plan, position: s.context.position }),
    (a, b) => a.plan === b.plan && a.position === b.position,
  );

  protected override willUpdate(): void {
    this.state.actor = this.interview?.actor;
  }

  protected override render() {
    const value = this.interview;
    const actor = value?.actor;
    if (!value || !actor) return nothing;
    const { plan, position } = actor.getSnapshot().context;
    const lang = value.lang;
    const current = position ? plan.step(position)?.item.section.id : undefined;
    return html`<nav aria-label=${t(lang, 'sections')}>
      <h2>${t(lang, 'sections')}</h2>
      <ul>
        ${value.instrument.sections.map((section) => {
          const asked = section.items.filter((i) => plan.step(i.id)?.state === 'ask');
          if (asked.length === 0 && !section.items.some((i) => plan.step(i.id))) return nothing;
          const answered = asked.filter((i) => plan.step(i.id)!.value !== undefined).length;
          const first = asked.find((i) => plan.step(i.id)!.value === undefined) ?? asked[0];
          return html`<li class="section" part="section">
            <button
              type="button"
              ?disabled=${!first}
              aria-current=${current === section.id ? 'location' : 'false'}
              @click=${() => first && actor.send({ type: 'nav.goto', itemId: first.id })}
            >
              <span>${section.def.title[lang]}</span><span class="count">${answered}/${asked.length}</span>
            </button>
            ${current === section.id
              ? html`<ul class="items">
                  ${section.items.map((item) => {
                    const step = plan.step(item.id);
                    if (!step) return nothing;
                    if (step.state !== 'ask')
                      return html`<li part="item"><button type="button" disabled>
                        <span class="mark" aria-hidden="true">${step.state === 'autofill' ? '⚙' : '–'}</span>
                        <span class="id">${item.id}</span>
                        <span>${t(lang, step.state === 'autofill' ? 'autofilled' : 'skipped')}</span>
                      </button></li>`;
                    return html`<li part="item">
                      <button
                        type="button"
                        aria-current=${item.id === position ? 'step' : 'false'}
                        @click=${() => actor.send({ type: 'nav.goto', itemId: item.id })}
                      >
                        <span class="mark" aria-hidden="true">${step.value === undefined ? '○' : '✓'}</span>
                        <span class="id">${item.id}</span>
                        <span class="visually-hidden">${step.value === undefined ? '' : `(${t(lang, 'saved')})`}</span>
                      </button>
                    </li>`;
                  })}
                </ul>`
              : nothing}
          </li>`;
        })}
      </ul>
    </nav>`;
  }
}
