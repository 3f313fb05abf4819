// Storybook stories for <asi-profile>: AUDIT by the client's sex, ADAD's three ratings per area, and the ASI-style demo.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/elements/define.js';
import { builtinDefinition } from '../src/core/definition/builtin.js';
import type { CompiledInstrument } from '../src/core/definition/compiled.js';
import { loadInstrument } from '../src/core/definition/load.js';
import type { Language } from '../src/core/definition/text.js';
import type { Sex } from '../src/core/storage/types.js';
import type { ProfileScore } from '../src/elements/profile/asi-profile.js';

interface ProfileArgs {
  lang: Language;
  /** A built-in instrument with a `profile`. */
  instrument: 'audit' | 'dudit' | 'adad' | 'demo';
  /** The client's sex: sex-specific cut-offs (AUDIT, DUDIT) apply only for female or male. */
  sex: Sex;
  /** Score values by id, e.g. {"AUDIT": 7, "AUDIT_C": 3}; null for a score that could not be computed. */
  scores: Record<string, number | null>;
  /** Rating answers by item id, e.g. {"P_WORRY": 2}. */
  ratings: Record<string, number>;
}

const compiled = new Map<string, Promise<CompiledInstrument>>();
/** Each built-in compiled once per Storybook session. */
function instrument(id: string): Promise<CompiledInstrument> {
  let found = compiled.get(id);
  if (!found) compiled.set(id, (found = builtinDefinition(id).then(loadInstrument)));
  return found;
}

const meta: Meta<ProfileArgs> = {
  title: 'Results/Profile',
  args: { lang: 'sv', sex: 'unknown', scores: {}, ratings: {} },
  argTypes: {
    lang: { control: 'inline-radio', options: ['sv', 'en'] },
    instrument: { control: 'select', options: ['audit', 'dudit', 'adad', 'demo'] },
    sex: { control: 'inline-radio', options: ['female', 'male', 'other', 'unknown'] },
    scores: { control: 'object' },
    ratings: { control: 'object' },
  },
  loaders: [async ({ args }) => ({ instrument: await instrument(args.instrument) })],
  render: (args, { loaded }) => {
    const scores: ProfileScore[] = Object.entries(args.scores).map(([scoreId, value]) => ({ scoreId, value }));
    return html`<div style="max-inline-size: 48rem">
      <asi-profile
        lang=${args.lang}
        sex=${args.sex}
        .instrument=${(loaded as { instrument: CompiledInstrument }).instrument}
        .scores=${scores}
        .ratings=${args.ratings}
      ></asi-profile>
    </div>`;
  },
};
export default meta;

type Story = StoryObj<ProfileArgs>;

/** AUDIT 7: below the men's cut-off of 8. */
export const AuditMan: Story = { name: 'AUDIT 7, man', args: { instrument: 'audit', sex: 'male', scores: { AUDIT: 7, AUDIT_C: 3 } } };
/** The same 7 is risky use for a woman (≥ 6), and AUDIT-C 3 is positive (≥ 3). */
export const AuditWoman: Story = { name: 'AUDIT 7, woman', args: { instrument: 'audit', sex: 'female', scores: { AUDIT: 7, AUDIT_C: 3 } } };
/** Sex unknown: the sex-specific cut-offs are not applied, and the result says so. */
export const AuditSexUnknown: Story = {
  name: 'AUDIT 7, sex unknown',
  args: { instrument: 'audit', sex: 'unknown', scores: { AUDIT: 7, AUDIT_C: 3 } },
};
/** High AUDIT: the WHO zone of 20 or more for either sex. */
export const AuditHigh: Story = { name: 'AUDIT 24, man', args: { instrument: 'audit', sex: 'male', scores: { AUDIT: 24, AUDIT_C: 10 } } };
/** DUDIT on 0–44 with its cut-offs. */
export const Dudit: Story = { name: 'DUDIT 4, woman', args: { instrument: 'dudit', sex: 'female', scores: { DUDIT: 4 } } };
/** ADAD: per area the youth's worry (0–3), the youth's wish for help (0–3) and the interviewer's rating (0–9). */
export const Adad: Story = {
  name: 'ADAD, three ratings per area',
  args: {
    instrument: 'adad',
    ratings: { P_WORRY: 2, P_HELP: 1, P_SEV: 6, S_WORRY: 3, S_HELP: 3, S_SEV: 7, F_WORRY: 1, F_HELP: 0, F_SEV: 3, A_WORRY: 0, A_HELP: 0, A_SEV: 1 },
  },
};
/** The ASI look: composite scores 0–1 and interviewer ratings 0–9 on one joint axis. */
export const Composite: Story = {
  name: 'Composite scores and interviewer ratings (demo)',
  args: { instrument: 'demo', scores: { HEALTH: 0.283, WORK: 0.41 }, ratings: { H_SEVERITY: 3, A_SEVERITY: 1 } },
};
