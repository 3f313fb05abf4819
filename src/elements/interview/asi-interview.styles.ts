// Default theme of <asi-interview>; every colour and size can be overridden with --asi-* custom properties.
import { css } from 'lit';

export const interviewStyles = css`
  :host {
    display: block;
    font-family: var(--asi-font-family, system-ui, sans-serif);
    color: var(--asi-text-color, #111827);
    background: var(--asi-background, #fff);
    line-height: 1.45;
  }
  [hidden] {
    display: none !important;
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    align-items: center;
    padding-block-end: 0.5rem;
    border-block-end: 1px solid var(--asi-border-color, #d1d5db);
  }
  header h1 {
    font-size: 1.125rem;
    margin: 0;
  }
  .meta {
    color: var(--asi-muted-color, #4a5563);
  }
  .badge {
    display: inline-block;
    font-size: 0.8125rem;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    background: var(--asi-badge-background, #f3f4f6);
    border: 1px solid var(--asi-border-color, #d1d5db);
  }
  .badge.demo {
    background: var(--asi-warning-background, #fef3c7);
  }
  .save-state {
    margin-inline-start: auto;
    font-weight: 600;
  }
  .save-state.failed {
    color: var(--asi-error-color, #b91c1c);
  }
  .progress {
    display: flex;
    gap: 0.75rem;
    align-items: center;
    margin-block: 0.75rem;
  }
  progress {
    flex: 1;
    block-size: 0.75rem;
    accent-color: var(--asi-accent-color, #1d4ed8);
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(12rem, 16rem) 1fr;
    gap: 1.5rem;
    align-items: start;
  }
  @media (max-width: 44rem) {
    .layout {
      grid-template-columns: 1fr;
    }
  }
  main {
    min-inline-size: 0;
  }
  .item-meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    align-items: center;
    margin-block-end: 0.5rem;
    color: var(--asi-muted-color, #4a5563);
    font-size: 0.875rem;
  }
  .item-id {
    font-weight: 700;
    color: var(--asi-text-color, #111827);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-block-start: 1rem;
  }
  button {
    font: inherit;
    padding: 0.4rem 0.9rem;
    border-radius: var(--asi-radius, 6px);
    border: 1px solid var(--asi-border-color, #6b7280);
    background: var(--asi-button-background, #fff);
    color: inherit;
    cursor: pointer;
  }
  button.primary {
    background: var(--asi-accent-color, #1d4ed8);
    border-color: var(--asi-accent-color, #1d4ed8);
    color: var(--asi-accent-text-color, #fff);
    font-weight: 600;
  }
  button:focus-visible,
  select:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--asi-focus-color, #1d4ed8);
    outline-offset: 2px;
  }
  .keys {
    margin-block-start: 1rem;
    color: var(--asi-muted-color, #4a5563);
    font-size: 0.8125rem;
  }
  .notice {
    border-radius: var(--asi-radius, 6px);
    padding: 0.75rem 1rem;
    margin-block: 0.75rem;
  }
  .notice.error {
    background: var(--asi-error-background, #fee2e2);
    border: 1px solid var(--asi-error-color, #b91c1c);
  }
  .notice.warning {
    background: var(--asi-warning-background, #fef3c7);
    border: 1px solid var(--asi-warning-border, #b45309);
  }
  table {
    border-collapse: collapse;
    margin-block: 0.5rem;
  }
  th,
  td {
    text-align: start;
    padding: 0.3rem 0.75rem;
    border-block-end: 1px solid var(--asi-border-color, #d1d5db);
  }
  td.number {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  ul.unanswered {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    list-style: none;
    padding: 0;
  }
  fieldset {
    border: 1px solid var(--asi-border-color, #d1d5db);
    border-radius: var(--asi-radius, 6px);
    margin-block-start: 1rem;
  }
  details {
    margin-block-start: 1.5rem;
  }
  .critical {
    background: var(--asi-panel-background, #f3f4f6);
    border-radius: var(--asi-radius, 6px);
    padding: 0.5rem 1rem;
    margin-block-end: 1rem;
  }
  .critical h2 {
    font-size: 1rem;
    margin: 0.25rem 0 0.5rem;
  }
  .critical dl {
    display: grid;
    gap: 0.2rem;
    margin: 0;
  }
  .critical dl > div {
    display: flex;
    gap: 1rem;
    justify-content: space-between;
  }
  .critical dd {
    margin: 0;
    font-weight: 600;
    text-align: end;
  }
  .previous {
    font-weight: 600;
    color: var(--asi-previous-color, #065f46);
  }
  .notice.project {
    font-size: 0.875rem;
    border-inline-start: 4px solid var(--asi-muted-color, #6b7280);
    padding-inline-start: 0.75rem;
  }
  /* The client at the keyboard: larger type, one column, nothing but the question. */
  :host([mode='self']) {
    --asi-question-font-size: 1.5rem;
    font-size: 1.125rem;
  }
  :host([mode='self']) .layout {
    display: block;
  }
  :host([mode='self']) .actions button {
    min-block-size: 3rem;
    padding-inline: 1.25rem;
  }
  .self-done {
    font-size: 1.25rem;
    font-weight: 600;
  }
  .summary .statements {
    list-style: none;
    padding: 0;
    margin: 0 0 1rem;
  }
  .summary .statements li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: baseline;
    padding-block: 0.25rem;
    border-block-end: 1px solid var(--asi-border-color, #e5e7eb);
  }
  .summary .label {
    font-weight: 600;
  }
  .summary .correct {
    margin-inline-start: auto;
  }
  /* Another tab edits this interview: its saved answers as a plain list, question beside answer. */
  .read-only h2 {
    font-size: 1rem;
  }
  .read-only h3 {
    font-size: 0.9375rem;
    margin-block: 1rem 0.25rem;
  }
  .read-only dl {
    display: grid;
    gap: 0.2rem;
    margin: 0;
  }
  .read-only dl > div {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    justify-content: space-between;
    padding-block: 0.2rem;
    border-block-end: 1px solid var(--asi-border-color, #e5e7eb);
  }
  .read-only dd {
    margin: 0;
    font-weight: 600;
  }
  /* Superseded by an upgrade elsewhere: still readable, visibly out of use. */
  .layout[inert] {
    opacity: 0.55;
  }
  .integrity form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  .integrity input {
    min-width: 18rem;
  }
  .notice[data-integrity]:focus,
  .notice[data-superseded]:focus {
    outline: 3px solid var(--asi-focus-color, #1d4ed8);
    outline-offset: 2px;
  }
  @media print {
    header .save-state,
    .layout > asi-section-nav,
    .no-print,
    .actions,
    details,
    form {
      display: none !important;
    }
    .layout {
      display: block;
    }
  }
`;
