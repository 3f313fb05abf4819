// Styles shared by the elements that are forms and buttons around the interview (data exchange, protection).
import { css } from 'lit';

export const formStyles = css`
  :host {
    display: block;
    font-family: var(--asi-font-family, system-ui, sans-serif);
    color: var(--asi-text-color, #111827);
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  button,
  input {
    font: inherit;
    padding: 0.35rem 0.8rem;
    border-radius: var(--asi-radius, 6px);
    border: 1px solid var(--asi-border-color, #6b7280);
    background: #fff;
  }
  button {
    cursor: pointer;
  }
  :focus-visible {
    outline: 3px solid var(--asi-focus-color, #1d4ed8);
    outline-offset: 2px;
  }
  .note {
    color: var(--asi-muted-color, #4a5563);
  }
  .error {
    color: var(--asi-error-color, #b91c1c);
  }
`;
