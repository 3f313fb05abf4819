// <asi-protection> in Chromium on real IndexedDB: accessible in each state, passphrases added and changed from the form.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/define.js';
import { createUnitKey } from '../../src/core/protection/unit-key.js';
import { deleteIdbStore, openIdbStore, type IdbInterviewStore } from '../../src/core/storage/idb-store.js';
import type { AsiProtection } from '../../src/elements/protection/asi-protection.js';

const PASS = 'enhetens lösenfras 2026';
const names: string[] = [];
const stores: IdbInterviewStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const name of names.splice(0)) await deleteIdbStore(name);
});

async function store(state: 'plain' | 'locked' | 'unlocked'): Promise<IdbInterviewStore> {
  const name = `asi-protection-${crypto.randomUUID()}`;
  names.push(name);
  const s = await openIdbStore({ name });
  stores.push(s);
  if (state !== 'plain') await s.enableEncryption(await createUnitKey(PASS));
  if (state === 'locked') s.lock();
  return s;
}

const shown = (el: AsiProtection) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

function submit(el: AsiProtection, selector: string, values: Record<string, string>): void {
  const form = el.shadowRoot!.querySelector<HTMLFormElement>(selector)!;
  for (const [name, value] of Object.entries(values)) form.querySelector<HTMLInputElement>(`[name=${name}]`)!.value = value;
  form.requestSubmit();
}

describe('<asi-protection>', () => {
  for (const state of ['plain', 'locked', 'unlocked'] as const) {
    it(`is accessible when the store is ${state}`, async () => {
      const el = await fixture<AsiProtection>(html`<asi-protection lang="sv" .store=${await store(state)}></asi-protection>`);
      await waitUntil(() => el.shadowRoot!.querySelector('form'), 'no form');
      await expect(el).to.be.accessible();
    });
  }

  it('adds a recovery passphrase and changes the unit passphrase, each of which then unlocks; a wrong one is refused', async () => {
    const s = await store('unlocked');
    const el = await fixture<AsiProtection>(html`<asi-protection lang="en" .store=${s}></asi-protection>`);
    await waitUntil(() => shown(el).includes('The unit’s passphrase'), 'slots not listed');

    [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Add a passphrase')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('form[data-form=add]'));
    submit(el, 'form[data-form=add]', { passphrase: 'not the passphrase', label: 'recovery', new: 'reservfras 2026 x', repeat: 'reservfras 2026 x' });
    await waitUntil(() => shown(el).includes('Wrong passphrase'), 'wrong passphrase not refused', { timeout: 20000 });
    submit(el, 'form[data-form=add]', { passphrase: PASS, label: 'recovery', new: 'reservfras 2026 x', repeat: 'reservfras 2026 x' });
    await waitUntil(() => shown(el).includes('The passphrase was added'), 'not added', { timeout: 20000 });
    expect(shown(el)).to.contain('recovery (');

    [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Change a passphrase')!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('form[data-form=change]'));
    submit(el, 'form[data-form=change]', { passphrase: PASS, new: 'ny fras för 2027', repeat: 'ny fras 2027 annan' });
    await waitUntil(() => shown(el).includes('The passphrases differ'), 'mismatch not caught');
    submit(el, 'form[data-form=change]', { passphrase: PASS, new: 'ny fras för 2027', repeat: 'ny fras för 2027' });
    await waitUntil(() => shown(el).includes('The passphrase was changed'), 'not changed', { timeout: 20000 });

    s.lock();
    const refused = await s.unlock(PASS).then(() => undefined, (e: unknown) => e);
    expect((refused as { code?: string } | undefined)?.code).to.equal('wrong-passphrase');
    await s.unlock('reservfras 2026 x');
    s.lock();
    await s.unlock('ny fras för 2027');
  }).timeout(120_000); // four PBKDF2 derivations at 600,000 iterations, slower under load
});
