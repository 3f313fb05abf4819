// Helpers for driving <asi-interview> from the keyboard in browser tests.
import { waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AsiInterview } from '../../src/elements/interview/asi-interview.js';

export function position(el: AsiInterview): string | null | undefined {
  return el.actor?.getSnapshot().context.position;
}

export async function ready(el: AsiInterview): Promise<void> {
  await waitUntil(() => el.actor?.getSnapshot().matches('active') || el.actor?.getSnapshot().matches('completed') || el.actor?.getSnapshot().matches('paused'), 'interview did not open', { timeout: 10000 });
  await el.updateComplete;
}

/** The element that has focus, looking through shadow roots. */
export function deepActiveElement(): Element | null {
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Types an answer into the focused field and presses Enter; waits until the machine is ready for the next one. */
export async function answer(el: AsiInterview, text: string): Promise<void> {
  const before = position(el);
  await waitUntil(() => deepActiveElement()?.tagName === 'INPUT' || deepActiveElement()?.tagName === 'TEXTAREA', `no answer field focused at ${before}`);
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
  await waitUntil(
    () => el.actor!.getSnapshot().matches({ active: 'answering' }) && (position(el) !== before || el.actor!.getSnapshot().context.rejection !== null),
    `answer "${text}" at ${before} was not taken`,
    { timeout: 5000 },
  );
  await el.updateComplete;
}

export { DEMO_ANSWERS } from '../fixtures/demo-answers.js';
