// Storybook stories for the other built-in instruments: AUDIT self-report, ADAD and DOK intakes, and DOK's feedback summary.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { withActions } from 'storybook/actions/decorator';
import '../src/elements/define.js';
import { builtinDefinition } from '../src/core/definition/builtin.js';
import { loadInstrument } from '../src/core/definition/load.js';
import type { Language } from '../src/core/definition/text.js';
import { simulateBundle } from '../src/core/simulation/simulate.js';
import { nowWithOffset } from '../src/core/storage/audit-chain.js';
import { createMemoryStore } from '../src/core/storage/memory-store.js';
import type { ClientRecord, InterviewStore } from '../src/core/storage/types.js';

interface StoryArgs {
  lang: Language;
  instrument: string;
  round: string;
  mode: 'interviewer' | 'self';
}

interface Prepared {
  store: InterviewStore;
  client: ClientRecord;
  interviewId?: string;
}

async function storeWithClient(): Promise<Prepared> {
  const store = createMemoryStore();
  const at = nowWithOffset(new Date());
  const client: ClientRecord = { id: 'client-k021', code: 'K-021', sex: 'male', birthYear: 1979, createdAt: at, updatedAt: at };
  await store.putClient(client);
  return { store, client };
}

/** A completed DOK intake of a simulated client (seeded, so the story looks the same every time). */
async function completedDok(): Promise<Prepared> {
  const store = createMemoryStore();
  const bundle = await simulateBundle({ instrument: loadInstrument(await builtinDefinition('dok')), clients: 1, rounds: ['intake'], seed: 21, incompleteRate: 0 });
  await store.importRecords(bundle);
  return { store, client: bundle.clients[0]!, interviewId: bundle.interviews[0]!.id };
}

const meta: Meta<StoryArgs> = {
  title: 'Interview/Instruments',
  component: 'asi-interview',
  decorators: [withActions],
  args: { lang: 'sv', instrument: 'audit', round: 'screening', mode: 'interviewer' },
  argTypes: {
    lang: { control: 'inline-radio', options: ['sv', 'en'] },
    mode: { control: 'inline-radio', options: ['interviewer', 'self'], description: 'Who is at the keyboard' },
  },
  parameters: { actions: { handles: ['asi-start', 'asi-answer', 'asi-complete', 'asi-error'] } },
  loaders: [async () => ({ prepared: await storeWithClient() })],
  render: ({ lang, instrument, round, mode }, { loaded }) => {
    const prepared = loaded.prepared as Prepared;
    return html`${keyed(
      prepared.store,
      prepared.interviewId
        ? html`<asi-interview interview-id=${prepared.interviewId} lang=${lang} .store=${prepared.store}></asi-interview>`
        : html`<asi-interview instrument=${instrument} round=${round} mode=${mode} lang=${lang} .client=${prepared.client} .store=${prepared.store}></asi-interview>`,
    )}`;
  },
};
export default meta;

type Story = StoryObj<StoryArgs>;

/** The client answers AUDIT on the screen: plain questions with the standard glass, "prefer not to answer". */
export const AuditSelfReport: Story = { name: 'AUDIT, client self-report', args: { mode: 'self' } };

export const DuditInterview: Story = { name: 'DUDIT, interviewer', args: { instrument: 'dudit' } };

/** ADAD's item set is the project's own: the notice at the top says so. */
export const AdadIntake: Story = { name: 'ADAD intake', args: { instrument: 'adad', round: 'intake' } };

export const DokIntake: Story = { name: 'DOK intake', args: { instrument: 'dok', round: 'intake' } };

/** A completed DOK intake: the summary for the feedback meeting, each statement correctable. */
export const DokFeedbackSummary: Story = {
  name: 'DOK feedback summary',
  loaders: [async () => ({ prepared: await completedDok() })],
};
