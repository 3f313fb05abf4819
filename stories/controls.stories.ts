// Storybook stories for the item-kind controls, each showing a demo-instrument item, with and without a refusal message.
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { withActions } from 'storybook/actions/decorator';
import '../src/elements/define.js';
import { builtinDefinition } from '../src/core/definition/builtin.js';
import { parseAnswer, type CompiledInstrument } from '../src/core/definition/compiled.js';
import { loadInstrument } from '../src/core/definition/load.js';
import type { Language } from '../src/core/definition/text.js';
import { itemView, type ItemView } from '../src/elements/controls/item-view.js';
import { CONTROL_FOR_KIND } from '../src/elements/controls/registry.js';

interface ControlArgs {
  lang: Language;
  /** The demo item shown (its kind picks the control). */
  itemId: string;
  /** The stored answer, as text. */
  value: string;
  /** What the interviewer typed and the core refused: its message is shown as the error (blank: no error). */
  refused: string;
  /** An error message of your own; overrides `refused`. */
  error: string;
}

let demo: Promise<CompiledInstrument> | undefined;
function demoInstrument(): Promise<CompiledInstrument> {
  demo ??= builtinDefinition('demo').then(loadInstrument);
  return demo;
}

/** The item as the runner would give it to the control, in the story's language, and the error the core would show. */
async function loadItem({ itemId, lang, refused, error }: ControlArgs): Promise<{ item: ItemView; error: string }> {
  const instrument = await demoInstrument();
  const item = instrument.item(itemId);
  if (!item) throw new Error(`The demo instrument has no item "${itemId}"`);
  const parsed = refused ? parseAnswer(instrument, item, refused) : undefined;
  return { item: itemView(instrument, item, lang), error: error || (parsed && !parsed.ok ? parsed.message[lang] : '') };
}

const meta: Meta<ControlArgs> = {
  title: 'Interview/Controls',
  decorators: [withActions],
  args: { lang: 'sv', value: '', refused: '', error: '' },
  argTypes: {
    lang: { control: 'inline-radio', options: ['sv', 'en'] },
    itemId: { control: 'text' },
    value: { control: 'text' },
    refused: { control: 'text' },
    error: { control: 'text' },
  },
  parameters: { actions: { handles: ['asi-control-commit', 'input'] } },
  loaders: [async ({ args }) => loadItem(args)],
  render: (args, { loaded }) => {
    const { item, error } = loaded as { item: ItemView; error: string };
    const tag = unsafeStatic(CONTROL_FOR_KIND[item.kind] ?? 'asi-text-control');
    return html`<div style="max-inline-size: 40rem">
      ${staticHtml`<${tag} .item=${item} .value=${args.value} lang=${args.lang} .error=${error}></${tag}>`}
    </div>`;
  },
};
export default meta;

type Story = StoryObj<ControlArgs>;

/** <asi-number-control>: days in the past 30, with its range as the hint. */
export const NumberDays: Story = { name: 'Number: days', args: { itemId: 'H_DAYS' } };
export const NumberDaysWithError: Story = { name: 'Number: days, with error', args: { itemId: 'H_DAYS', refused: '45' } };
export const NumberMoney: Story = { name: 'Number: money', args: { itemId: 'W_INCOME', value: '5000' } };

/** <asi-option-control>: type the code or click an option; the interviewer's 0–9 scale shows its bands. */
export const OptionScaleBands: Story = { name: 'Option: scale with bands', args: { itemId: 'H_SEVERITY', value: '3' } };
export const OptionScaleBandsWithError: Story = { name: 'Option: scale with bands, with error', args: { itemId: 'H_SEVERITY', refused: '12' } };
export const OptionClientScale: Story = { name: 'Option: client scale', args: { itemId: 'H_TROUBLED' } };
export const OptionYesNo: Story = { name: 'Option: yes/no', args: { itemId: 'H_CHRONIC' } };
export const OptionCodeList: Story = { name: 'Option: code list', args: { itemId: 'G_HOUSING' } };

/** <asi-duration-control>: years and months in two fields; Enter in either commits "years months". */
export const Duration: Story = { name: 'Duration', args: { itemId: 'G_HOUSING_TIME', value: '30' } };
export const DurationWithError: Story = { name: 'Duration, with error', args: { itemId: 'G_HOUSING_TIME', refused: '2 14' } };

/** <asi-date-control>: a date typed as YYYY-MM-DD or YYYYMMDD. */
export const DateItem: Story = { name: 'Date', args: { itemId: 'G_DATE' } };
export const DateWithError: Story = { name: 'Date, with error', args: { itemId: 'G_DATE', refused: '20261340' } };

/** <asi-date-control> for a time item: HH:MM. */
export const TimeItem: Story = { name: 'Time', args: { itemId: 'G_START', value: '09:30' } };
export const TimeWithError: Story = { name: 'Time, with error', args: { itemId: 'G_START', refused: '25:70' } };

/** <asi-text-control>: Enter commits, Shift+Enter starts a new line. */
export const TextItem: Story = { name: 'Text', args: { itemId: 'H_CHRONIC_SPEC' } };
export const TextWithError: Story = { name: 'Text, with error', args: { itemId: 'H_CHRONIC_SPEC', refused: 'N' } };
