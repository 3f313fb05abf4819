// Shared look of the client and round lists (tables, forms, buttons), themable with the same --asi-* properties.
import { css } from 'lit';

export const listStyles = css`
  :host {
    display: block;
    font-family: var(--asi-font-family, system-ui, sans-serif);
    color: var(--asi-text-color, #111827);
  }
  h2 {
    font-size: 1.125rem;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem 1rem;
    align-items: end;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    font-weight: 600;
  }
  input,
  select,
  button {
    font: inherit;
    padding: 0.35rem 0.6rem;
    border-radius: var(--asi-radius, 6px);
    border: 1px solid var(--asi-border-color, #6b7280);
    background: var(--asi-input-background, #fff);
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  button.primary {
    background: var(--asi-accent-color, #1d4ed8);
    border-color: var(--asi-accent-color, #1d4ed8);
    color: var(--asi-accent-text-color, #fff);
    font-weight: 600;
  }
  :focus-visible {
    outline: 3px solid var(--asi-focus-color, #1d4ed8);
    outline-offset: 2px;
  }
  .help {
    flex-basis: 100%;
    margin: 0;
    color: var(--asi-muted-color, #4a5563);
  }
  .error {
    flex-basis: 100%;
    margin: 0;
    color: var(--asi-error-color, #b91c1c);
    font-weight: 600;
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
  }
  th,
  td {
    text-align: start;
    padding: 0.35rem 0.6rem;
    border-block-end: 1px solid var(--asi-border-color, #d1d5db);
  }
  .number {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
`;
