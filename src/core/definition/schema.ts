// The instrument definition format as zod schemas; the TypeScript types and the published JSON Schema come from here.
import { z } from './zod.js';
import { LocalText } from './text.js';
import { ITEM_KINDS } from './kinds/index.js';
import { Option } from './kinds/coded.js';

const Id = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Use letters, digits and _ only, starting with a letter')
  .max(64);
const Slug = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'Use lower-case letters, digits and - only, starting with a letter')
  .max(64);
const ExpressionSource = z.string().min(1).max(10_000).meta({
  description:
    'An expression: numbers, item ids, + - * /, comparisons (= != < <= > >=), and/or/not, and the functions ' +
    'ln, min, max, sum, count, if, answered(item), is(item, "X"|"N").',
});
const Special = z.enum(['X', 'N']);
export const Provenance = z.enum(['source', 'project', 'local']).meta({
  description:
    '"source": the item’s presence comes from the published instrument; "project": this project’s own item; ' +
    '"local": a unit’s own addition (set by a local overlay).',
});
export const Timeframe = z.enum(['30d', '12m', '3y', 'lifetime', 'current', 'now']);

export const Autofill = z
  .object({
    when: ExpressionSource,
    value: z.union([z.number(), z.string()]),
  })
  .strict()
  .meta({ description: 'When `when` is true the item is not asked and takes `value` (marked as auto-filled).' });

export const ValidationRule = z
  .object({
    rule: ExpressionSource.meta({ description: 'Must be true for a valid answer; unknown counts as valid.' }),
    level: z.enum(['error', 'warning']).default('warning'),
    message: LocalText,
  })
  .strict();

const ItemCommon = {
  id: Id.meta({ description: 'The instrument’s own item code, e.g. M6 or D1_30. Stable: exports depend on it.' }),
  text: LocalText,
  label: LocalText.optional().meta({
    description: 'A short label for summaries and tables, e.g. "Boende" for "Hur bor du för närvarande?".',
  }),
  help: LocalText.optional(),
  timeframe: Timeframe.optional(),
  rounds: z.array(Slug).min(1).optional().meta({ description: 'Rounds that ask this item; default: the section’s.' }),
  sinceLast: z
    .array(Slug)
    .optional()
    .meta({ description: 'Rounds in which the item is asked for the period since the last interview.' }),
  sinceLastText: LocalText.optional().meta({
    description:
      'Wording in the rounds listed in `sinceLast`; "{since}" is replaced by the date of the previous interview ' +
      '(or "the last interview" when there is none).',
  }),
  when: ExpressionSource.optional().meta({ description: 'Asked only if this is true (or unknown).' }),
  autofill: z.array(Autofill).optional(),
  special: z.array(Special).optional().meta({ description: 'Special codes allowed; default both X and N.' }),
  critical: z.array(Id).optional().meta({ description: 'Ids of the interviewer ratings this item informs.' }),
  validate: z.array(ValidationRule).optional(),
  provenance: Provenance.optional(),
  source: z.string().optional(),
};

/** One item schema per kind, joined as a discriminated union on `kind`. */
const itemSchemas = ITEM_KINDS.map((k) =>
  z
    .object({ kind: z.literal(k.kind), ...ItemCommon, ...k.fields })
    .strict()
    .meta({ title: `Item (${k.kind})`, description: k.description }),
);
export const Item = z.discriminatedUnion('kind', itemSchemas as unknown as [(typeof itemSchemas)[number], ...(typeof itemSchemas)[number][]]);

/** The statically known shape of an item (kind-specific fields are optional here; each kind reads its own). */
export interface ItemDef {
  kind: string;
  id: string;
  text: LocalText;
  label?: LocalText;
  help?: LocalText;
  timeframe?: z.infer<typeof Timeframe>;
  rounds?: string[];
  sinceLast?: string[];
  sinceLastText?: LocalText;
  when?: string;
  autofill?: { when: string; value: number | string }[];
  special?: ('X' | 'N')[];
  critical?: string[];
  validate?: { rule: string; level: 'error' | 'warning'; message: LocalText }[];
  provenance?: 'source' | 'project' | 'local';
  source?: string;
  // kind-specific
  scale?: string;
  options?: { value: number; label: LocalText }[];
  optionsFrom?: string;
  unit?: string;
  min?: number;
  max?: number;
  maxYears?: number;
  maxLength?: number;
  currency?: string;
}

export const Section = z
  .object({
    id: Id,
    title: LocalText,
    help: LocalText.optional(),
    rounds: z.array(Slug).min(1).optional().meta({ description: 'Rounds that ask this section; default: all.' }),
    items: z.array(Item).min(1),
    blocks: z
      .array(Id)
      .optional()
      .meta({ description: 'Ids of `blocks` whose items end this section; their ids become <section id>_<block item id>.' }),
    embedded: z
      .object({ instrument: Slug, version: z.string() })
      .strict()
      .optional()
      .meta({ description: 'Set when the section was taken from another definition by an `embed` entry.' }),
  })
  .strict();

export const Block = z
  .object({
    id: Id,
    title: LocalText.optional(),
    items: z.array(Item).min(1),
  })
  .strict()
  .meta({
    description:
      'Items that end several sections alike (e.g. a change block after every life area). In a block item’s ' +
      'expressions a bare block item id means the copy in the same section.',
  });

export const Embed = z
  .object({
    embed: Slug.meta({ description: 'Id of the instrument whose sections, scores and cut-offs are inserted here.' }),
    version: z.string().optional().meta({ description: 'The embedded definition must have exactly this version.' }),
    rounds: z.array(Slug).min(1).optional().meta({ description: 'Rounds of this instrument that ask the embedded items.' }),
  })
  .strict()
  .meta({ title: 'Embedded instrument', description: 'Another definition taken in by reference, not copied.' });
export type EmbedDef = z.infer<typeof Embed>;

export const Round = z
  .object({
    id: Slug,
    title: LocalText,
    followUp: z
      .boolean()
      .optional()
      .meta({ description: 'A follow-up round: anchored on the client’s previous round of this instrument.' }),
  })
  .strict();

export const Band = z.object({ min: z.number().int(), max: z.number().int(), label: LocalText }).strict();

export const Scale = z
  .object({
    id: Id,
    title: LocalText.optional(),
    options: z.array(Option).min(2),
    bands: z.array(Band).optional().meta({ description: 'Named ranges of option values, e.g. 0–1 "no problem".' }),
  })
  .strict();

export const Score = z
  .object({
    id: Id,
    title: LocalText,
    formula: ExpressionSource,
    rounds: z.array(Slug).min(1).optional().meta({ description: 'Rounds that report this score; default: all.' }),
    allowCodes: z
      .array(Id)
      .optional()
      .meta({ description: 'Items whose X/N answers the formula handles itself (others make the score missing).' }),
    algorithm: z.object({ id: z.string().min(1), version: z.string().min(1) }).strict(),
    source: z.string().min(1).meta({ description: 'Where the formula comes from.' }),
    decimals: z.number().int().min(0).max(12).optional(),
    range: z
      .object({ min: z.number(), max: z.number() })
      .strict()
      .refine((r) => r.min < r.max, 'range.min must be below range.max')
      .optional()
      .meta({ description: 'The possible range of the score, for charts; default 0–1.' }),
  })
  .strict();

export const Cutoff = z
  .object({
    score: Id,
    sex: z.enum(['female', 'male']).optional(),
    min: z.number(),
    max: z.number().optional(),
    label: LocalText,
    level: z.enum(['low', 'moderate', 'high', 'severe']).optional(),
    source: z.string().min(1),
  })
  .strict();

export const ChangeParameter = z
  .object({
    score: Id,
    sd: z.number().positive().optional(),
    reliability: z.number().gt(0).lt(1).optional(),
    source: z.string().min(1),
  })
  .strict();

export const ProfileArea = z
  .object({
    id: Id,
    title: LocalText,
    scores: z.array(Id).optional().meta({ description: 'Scores shown for this area (e.g. a composite 0–1).' }),
    ratings: z.array(Id).optional().meta({ description: 'Rating items shown for this area (e.g. the interviewer 0–9 rating).' }),
  })
  .strict()
  .meta({ description: 'One life area of the results profile.' });

export const Instrument = z
  .object({
    $schema: z.string().optional(),
    id: Slug,
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'Use a semantic version such as 1.0.0'),
    title: LocalText,
    description: LocalText.optional(),
    demo: z.boolean().optional().meta({ description: 'A demonstration instrument, not for clinical use.' }),
    source: z.string().min(1).meta({ description: 'Citation for the instrument and its facts.' }),
    provenance: Provenance.optional().meta({ description: 'Default provenance of the items.' }),
    rounds: z.array(Round).min(1),
    dateItem: Id.optional().meta({
      description: 'Item that records the date of the interview; follow-ups are anchored on its value in the previous round.',
    }),
    profile: z.array(ProfileArea).optional().meta({ description: 'Areas of the results profile, in display order.' }),
    scales: z.array(Scale).optional(),
    blocks: z.array(Block).optional(),
    sections: z.array(Section).min(1),
    scores: z.array(Score).optional(),
    cutoffs: z.array(Cutoff).optional(),
    changeParameters: z.array(ChangeParameter).optional(),
    summary: z
      .object({
        rounds: z.array(Slug).min(1).optional().meta({ description: 'Rounds that offer the summary; default: all.' }),
      })
      .strict()
      .optional()
      .meta({ description: 'Offer a text summary of the answers for the feedback meeting, which the client may correct.' }),
  })
  .strict()
  .meta({ title: 'asi-interview instrument definition' });

/** The file format: `sections` may also hold `embed` entries, which resolveDefinition() replaces before validation. */
export const InstrumentDocument = Instrument.extend({ sections: z.array(z.union([Section, Embed])).min(1) }).meta({
  title: 'asi-interview instrument definition',
});

export type InstrumentDef = Omit<z.infer<typeof Instrument>, 'sections' | 'blocks'> & {
  sections: (Omit<z.infer<typeof Section>, 'items'> & { items: ItemDef[] })[];
  blocks?: (Omit<z.infer<typeof Block>, 'items'> & { items: ItemDef[] })[];
};
export type RoundDef = z.infer<typeof Round>;
export type ScaleDef = z.infer<typeof Scale>;
export type ScoreDef = z.infer<typeof Score>;
export type SectionDef = InstrumentDef['sections'][number];
