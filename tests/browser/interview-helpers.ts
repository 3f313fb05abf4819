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

/** Answers for every demo item, by id (the values a clinician would type). */
export const DEMO_ANSWERS: Record<string, string> = {
  G_DATE: '20261122',
  G_START: '0930',
  G_HOUSING: '1',
  G_HOUSING_TIME: '2',
  H_HOSP: '2',
  H_CHRONIC: '0',
  H_DAYS: '3',
  H_TROUBLED: '1',
  H_IMPORTANT: '2',
  H_SEVERITY: '3',
  W_LICENCE: '0',
  W_DAYS: '10',
  W_INCOME: '5000',
  W_SUPPORT: '0',
  A_DAYS: '0',
  A_YEARS: '5',
  A_TROUBLED: '0',
  A_SEVERITY: '1',
};
