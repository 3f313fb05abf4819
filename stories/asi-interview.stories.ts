// Storybook stories for <asi-interview> on the demo instrument: each render gets its own in-memory store, prepared before it renders.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { withActions } from 'storybook/actions/decorator';
import { expect, userEvent, waitFor } from 'storybook/test';
import '../src/elements/define.js';
import { builtinDefinition } from '../src/core/definition/builtin.js';
import { parseAnswer, type CompiledInstrument } from '../src/core/definition/compiled.js';
import { loadInstrument } from '../src/core/definition/load.js';
import type { Language } from '../src/core/definition/text.js';
import { applyChanges, planInterview, reconcileAutofill } from '../src/core/flow/plan.js';
import { startInterview } from '../src/core/flow/session.js';
import { computeScores } from '../src/core/scoring/composite.js';
import { nowWithOffset } from '../src/core/storage/audit-chain.js';
import { createMemoryStore } from '../src/core/storage/memory-store.js';
import { StorageError, type AnswerChange, type ClientRecord, type InterviewRecord, type InterviewStore } from '../src/core/storage/types.js';
import type { AsiInterview } from '../src/elements/interview/asi-interview.js';

interface StoryArgs {
  lang: Language;
}

/** What a story's loader prepared: the store (already holding the client) and either an interview to resume or a round to start. */
interface Prepared {
  store: InterviewStore;
  client: ClientRecord;
  interviewId?: string;
  round?: string;
  instrument?: string | object;
}

const INTERVIEWER = 'storybook';

/** What a clinician would type for each demo item (skipped and auto-filled items are absent). */
const TYPED: Record<string, string> = {
  G_DATE: '20261122',
  G_START: '0930',
  G_HOUSING: '1',
  G_HOUSING_TIME: '2 6',
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

let demo: Promise<CompiledInstrument> | undefined;
/** The demo instrument compiled once (the element compiles its own copy from the same built-in definition). */
function demoInstrument(): Promise<CompiledInstrument> {
  demo ??= builtinDefinition('demo').then(loadInstrument);
  return demo;
}

/** A fresh store holding one client, as a host application would have it before opening the interview. */
async function storeWithClient(): Promise<Prepared> {
  const store = createMemoryStore();
  const at = nowWithOffset(new Date());
  const client: ClientRecord = { id: 'client-k017', code: 'K-017', sex: 'female', birthYear: 1984, createdAt: at, updatedAt: at };
  await store.putClient(client);
  return { store, client };
}

/** Saves what the interviewer typed for `itemIds` (parsed by the core, with the auto-fills that follow), as one write. */
async function saveTyped(store: InterviewStore, instrument: CompiledInstrument, interview: InterviewRecord, itemIds: string[]) {
  const entered: AnswerChange[] = itemIds.map((itemId) => {
    const parsed = parseAnswer(instrument, instrument.item(itemId)!, TYPED[itemId]!);
    if (!parsed.ok) throw new Error(`Story data: ${itemId} "${TYPED[itemId]}" is refused: ${parsed.message.en}`);
    return { itemId, value: parsed.value, source: 'entered' };
  });
  const plan = planInterview(instrument, interview.round, applyChanges({}, entered));
  const changes = [...entered, ...reconcileAutofill(plan, applyChanges({}, entered))];
  const next = plan.asked.find((i) => plan.step(i.id)!.value === undefined)?.id;
  await store.saveAnswers(interview.id, changes, { actor: INTERVIEWER, interview: next ? { position: next } : {} });
  return plan;
}

/** A whole interview answered and completed with its scores, as the runner leaves it. */
async function completedInterview(prepared: Prepared, round: string, startedAt: Date): Promise<InterviewRecord> {
  const { store, client } = prepared;
  const instrument = await demoInstrument();
  const now = () => startedAt;
  const interview = await startInterview({ store, instrument, client, round, interviewer: INTERVIEWER, now });
  const asked = instrument.itemsInRound(round).map((i) => i.id).filter((id) => id in TYPED);
  const plan = await saveTyped(store, instrument, interview, asked);
  const at = nowWithOffset(new Date(startedAt.getTime() + 40 * 60_000));
  const scores = computeScores(instrument, round, plan.lookup).map((s) => ({ interviewId: interview.id, ...s, computedAt: at }));
  await store.putScores(interview.id, scores);
  return store.updateInterview(interview.id, { status: 'completed', completedAt: at }, { actor: INTERVIEWER });
}

function renderInterview({ lang }: StoryArgs, prepared: Prepared): TemplateResult {
  // keyed: a new store (every render, including a change of args) gets a new element rather than a reload of the old one.
  return html`${keyed(
    prepared.store,
    prepared.interviewId
      ? html`<asi-interview instrument="demo" interview-id=${prepared.interviewId} lang=${lang} .store=${prepared.store}></asi-interview>`
      : html`<asi-interview
          .instrument=${prepared.instrument ?? 'demo'}
          round=${prepared.round ?? 'intake'}
          lang=${lang}
          interviewer=${INTERVIEWER}
          .client=${prepared.client}
          .store=${prepared.store}
        ></asi-interview>`,
  )}`;
}

const meta: Meta<StoryArgs> = {
  title: 'Interview/asi-interview',
  component: 'asi-interview',
  decorators: [withActions],
  args: { lang: 'sv' },
  argTypes: {
    lang: { control: 'inline-radio', options: ['sv', 'en'], description: 'Language of the interface and the questions' },
  },
  parameters: {
    actions: { handles: ['asi-start', 'asi-answer', 'asi-progress', 'asi-complete', 'asi-save-error', 'asi-error'] },
  },
  loaders: [async () => ({ prepared: await storeWithClient() })],
  render: (args, { loaded }) => renderInterview(args, loaded.prepared as Prepared),
};
export default meta;

type Story = StoryObj<StoryArgs>;

/** A new intake interview: type an answer and press Enter; PgUp/PgDn move between questions. */
export const IntakeSwedish: Story = { name: 'Intake (Swedish)' };

export const IntakeEnglish: Story = { name: 'Intake (English)', args: { lang: 'en' } };

/** A follow-up after a completed intake six months earlier: "since the last interview" questions show its date. */
export const FollowUp: Story = {
  name: 'Follow-up round',
  loaders: [
    async () => {
      const prepared = await storeWithClient();
      await completedInterview(prepared, 'intake', new Date(Date.now() - 182 * 24 * 3600_000));
      return { prepared: { ...prepared, round: 'follow-up' } };
    },
  ],
};

/** Five answers already saved: the element opens on the first unanswered question (H_CHRONIC). */
export const Resumed: Story = {
  name: 'Resumed mid-interview',
  loaders: [
    async () => {
      const prepared = await storeWithClient();
      const { store, client } = prepared;
      const instrument = await demoInstrument();
      const interview = await startInterview({ store, instrument, client, round: 'intake', interviewer: INTERVIEWER });
      await saveTyped(store, instrument, interview, ['G_DATE', 'G_START', 'G_HOUSING', 'G_HOUSING_TIME', 'H_HOSP']);
      return { prepared: { ...prepared, interviewId: interview.id } };
    },
  ],
};

export const Completed: Story = {
  name: 'Completed with scores',
  loaders: [
    async () => {
      const prepared = await storeWithClient();
      const interview = await completedInterview(prepared, 'intake', new Date(Date.now() - 3600_000));
      return { prepared: { ...prepared, interviewId: interview.id } };
    },
  ],
};

/** Every answer write fails as a full disk would: the answer is kept on screen with "Try again" and "Undo the answer". */
export const SaveFailure: Story = {
  name: 'Save failure',
  loaders: [
    async () => {
      const prepared = await storeWithClient();
      const failing: InterviewStore = {
        ...prepared.store,
        saveAnswers: () => Promise.reject(new StorageError('quota', 'The device is out of storage space')),
      };
      return { prepared: { ...prepared, store: failing } };
    },
  ],
  play: async ({ canvasElement }) => {
    // The interviewer answers the first question; the write is refused and the retry notice takes focus.
    const el = canvasElement.querySelector<AsiInterview>('asi-interview')!;
    const field = await waitFor(() => {
      const input = el.shadowRoot?.querySelector('[data-control]')?.shadowRoot?.querySelector('input');
      if (!input) throw new Error('The answer field is not shown yet');
      return input;
    });
    await userEvent.type(field, '20261122{Enter}');
    await waitFor(() => expect(el.shadowRoot!.querySelector('.notice.error[role=alert]')).toBeTruthy());
  },
};

/** A definition with mistakes: the element lists each problem with its JSON path instead of starting. */
export const BrokenDefinition: Story = {
  name: 'Broken definition',
  loaders: [
    async () => {
      const prepared = await storeWithClient();
      const broken = {
        id: 'broken-demo',
        version: '1.0.0',
        title: { sv: 'Trasigt formulär', en: 'Broken form' },
        source: 'Storybook',
        rounds: [{ id: 'intake', title: { sv: 'Inskrivning', en: 'Intake' } }],
        sections: [
          {
            id: 'alcohol',
            title: { sv: 'Alkohol', en: 'Alcohol' },
            items: [
              { id: 'A_DAYS', kind: 'days', text: { sv: 'Dagar med alkohol?', en: 'Days with alcohol?' }, when: 'A_DRINKS > 0' },
              { id: 'A_TROUBLED', kind: 'scale', scale: 'client04', text: { sv: 'Hur bekymrad?', en: 'How troubled?' } },
              { id: 'A_PLACE', kind: 'choice', text: { sv: 'Var?', en: 'Where?' }, options: [] },
            ],
          },
        ],
        scores: [
          { id: 'ALC', title: { sv: 'Alkohol', en: 'Alcohol' }, formula: 'A_DAYS / A_MISSING', algorithm: { id: 'x', version: '1' }, source: 'Storybook' },
        ],
      };
      return { prepared: { ...prepared, instrument: broken } };
    },
  ],
};

/** The look comes from --asi-* custom properties set by the host page; they inherit into every part. */
export const Themed: Story = {
  render: (args, { loaded }) => html`<div
    style="
      --asi-font-family: Georgia, 'Times New Roman', serif;
      --asi-text-color: #1f2937;
      --asi-background: #fdf6ec;
      --asi-accent-color: #0f766e;
      --asi-accent-text-color: #ffffff;
      --asi-focus-color: #b45309;
      --asi-border-color: #0f766e;
      --asi-muted-color: #57534e;
      --asi-selected-background: #ccfbf1;
      --asi-input-background: #fffbeb;
      --asi-option-background: #fffbeb;
      --asi-badge-background: #fde68a;
      --asi-radius: 0;
      --asi-question-font-size: 1.5rem;
    "
  >
    ${renderInterview(args, loaded.prepared as Prepared)}
  </div>`,
};
