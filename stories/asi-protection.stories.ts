// Storybook stories for <asi-protection>: turning encryption on, the unlock screen, and the settings of an encrypted store.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/elements/define.js';
import type { Language } from '../src/core/definition/text.js';
import { createUnitKey } from '../src/core/protection/unit-key.js';
import { openIdbStore, type IdbInterviewStore } from '../src/core/storage/idb-store.js';

interface ProtectionArgs {
  lang: Language;
  view: 'settings' | 'unlock';
}

/** Story passphrase (not a secret: these databases hold no client data). */
const PASSPHRASE = 'storybook-lösenfras';

/** A database of its own per story and state, so that trying a story never touches the app's store. */
async function store(state: 'plain' | 'locked' | 'unlocked'): Promise<IdbInterviewStore> {
  const s = await openIdbStore({ name: `asi-story-protection-${state}-${crypto.randomUUID()}` });
  if (state === 'plain') return s;
  await s.enableEncryption(await createUnitKey(PASSPHRASE));
  if (state === 'locked') s.lock();
  return s;
}

const meta: Meta<ProtectionArgs> = {
  title: 'App/Protection',
  args: { lang: 'sv', view: 'settings' },
  argTypes: { lang: { control: 'inline-radio', options: ['sv', 'en'] }, view: { control: 'inline-radio', options: ['settings', 'unlock'] } },
  parameters: { docs: { description: { component: `Encryption at rest for the IndexedDB store. The story passphrase is "${PASSPHRASE}".` } } },
};
export default meta;
type Story = StoryObj<ProtectionArgs>;

const render = (state: 'plain' | 'locked' | 'unlocked') => ({
  loaders: [async () => ({ store: await store(state) })],
  render: (args: ProtectionArgs, { loaded }: { loaded: Record<string, unknown> }) =>
    html`<asi-protection lang=${args.lang} view=${args.view} .store=${loaded.store as IdbInterviewStore}></asi-protection>`,
});

/** Not encrypted yet: the form that turns it on (passphrase twice, at least 10 characters). */
export const TurnOn: Story = render('plain');
/** Encrypted and locked: the only thing a page shows until the passphrase is given. */
export const Locked: Story = { ...render('locked'), args: { view: 'unlock' } };
/** Encrypted and unlocked: lock now, the idle lock, more passphrases. */
export const Settings: Story = render('unlocked');
