// Coded kinds: yes/no, labelled scales (shared by id) and code lists (options inline or from a scale).
import { z } from '../zod.js';
import { LocalText } from '../text.js';
import { defineKind, msg, parseWholeNumber, type ItemKind, type KindContext, type OptionView } from './kind.js';

export const Option = z
  .object({ value: z.number().int(), label: LocalText })
  .strict()
  .meta({ description: 'A coded answer: the number stored and its label.' });

const YES_NO: OptionView[] = [
  { value: 1, label: { sv: 'Ja', en: 'Yes' } },
  { value: 0, label: { sv: 'Nej', en: 'No' } },
];

function codedKind(
  kind: string,
  description: string,
  fields: z.ZodRawShape,
  options: (item: any, ctx: KindContext) => OptionView[],
): ItemKind {
  return defineKind({
    kind,
    description,
    fields,
    options,
    check(value, item, ctx) {
      const opts = options(item, ctx);
      if (opts.some((o) => o.value === value)) return null;
      const list = opts.map((o) => o.value).join(', ');
      return msg(`Välj en av koderna ${list}`, `Choose one of the codes ${list}`);
    },
    parse(input, item, ctx) {
      const trimmed = input.trim().toLowerCase();
      // Yes/no also accepts the initial letter in either language (j/y, n is reserved for the N code).
      const word = kind === 'yesno' && (trimmed === 'j' || trimmed === 'y' || trimmed === 'ja' || trimmed === 'yes') ? 1 : null;
      const value = word ?? parseWholeNumber(trimmed);
      if (value === null) return { ok: false, message: msg('Ange en kod', 'Enter a code') };
      const problem = this.check(value, item, ctx);
      return problem ? { ok: false, message: problem } : { ok: true, value };
    },
    format(value, item, ctx, lang) {
      const option = options(item, ctx).find((o) => o.value === value);
      return option ? `${value} ${option.label[lang]}` : String(value);
    },
  });
}

export const yesNoKind = codedKind('yesno', 'Yes (1) or no (0).', {}, () => YES_NO);

export const scaleKind = codedKind(
  'scale',
  'A rating on a labelled scale defined once in `scales` (e.g. client 0–4, interviewer 0–9).',
  { scale: z.string().min(1).meta({ description: 'Id of a scale in the instrument’s `scales`.' }) },
  (item: { scale: string }, ctx) => ctx.scaleOptions(item.scale) ?? [],
);

export const choiceKind = codedKind(
  'choice',
  'A code list: one of several labelled codes, given inline or taken from a scale.',
  {
    options: z.array(Option).min(2).optional(),
    optionsFrom: z.string().min(1).optional().meta({ description: 'Id of a scale whose options this list uses.' }),
  },
  (item: { options?: OptionView[]; optionsFrom?: string }, ctx) =>
    item.options ?? (item.optionsFrom ? ctx.scaleOptions(item.optionsFrom) ?? [] : []),
);
