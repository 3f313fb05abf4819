// Overlays: a separate file that replaces item, option and section text, and may add a unit's own local questions.
import { z } from './zod.js';
import { compileInstrument, type CompiledInstrument } from './compiled.js';
import { DefinitionError, describeAt, guardShape, type DefinitionProblem } from './problems.js';
import { validateInstrument } from './load.js';
import { Item, type InstrumentDef, type ItemDef } from './schema.js';

const PartialText = z
  .object({ sv: z.string().min(1).optional(), en: z.string().min(1).optional() })
  .strict()
  .refine((t) => t.sv !== undefined || t.en !== undefined, 'Give text for sv, en or both');

export const TextOverlay = z
  .object({
    $schema: z.string().optional(),
    overlay: z.enum(['text', 'local']).meta({
      description: 'Marks the file as an overlay: "text" replaces wording only; "local" may also add questions.',
    }),
    instrument: z.string().min(1).meta({ description: 'Id of the instrument the overlay applies to.' }),
    version: z.string().optional().meta({ description: 'Instrument version the text was written for (checked if given).' }),
    source: z.string().min(1).meta({ description: 'Where the wording comes from, e.g. the licence holder.' }),
    items: z
      .record(
        z.string(),
        z
          .object({
            text: PartialText.optional(),
            help: PartialText.optional(),
            options: z.record(z.string().regex(/^-?\d+$/, 'Option keys are the option values'), PartialText).optional(),
          })
          .strict(),
      )
      .optional(),
    sections: z.record(z.string(), z.object({ title: PartialText.optional(), help: PartialText.optional() }).strict()).optional(),
    add: z
      .array(
        z
          .object({
            section: z.string().min(1).meta({ description: 'Id of the section the questions are added to.' }),
            after: z.string().min(1).optional().meta({ description: 'Id of the item they follow; default: the end of the section.' }),
            items: z.array(Item).min(1),
          })
          .strict(),
      )
      .optional()
      .meta({
        description:
          'Local questions (only in a "local" overlay). They are marked provenance "local", are never inputs to scores, ' +
          'and may be asked depending on earlier answers.',
      }),
  })
  .strict()
  .meta({ title: 'asi-interview text overlay' });
export type TextOverlay = z.infer<typeof TextOverlay>;

export function isOverlayDocument(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && 'overlay' in doc;
}

/** Validates an overlay against the definition it is for; every problem names its path in the overlay file. */
export function validateOverlay(doc: unknown, def: InstrumentDef): { ok: true; overlay: TextOverlay } | { ok: false; problems: DefinitionProblem[] } {
  const guard = guardShape(doc);
  if (guard.length > 0) return { ok: false, problems: guard };
  const parsed = TextOverlay.safeParse(doc);
  if (!parsed.success) {
    // zod reports a bad record key as "Invalid key in record"; the key schema's own message says what is wrong.
    const messageOf = (i: z.core.$ZodIssue) => (i.code === 'invalid_key' && i.issues[0] ? i.issues[0].message : i.message);
    return { ok: false, problems: parsed.error.issues.map((i) => describeAt(doc, i.path as (string | number)[], messageOf(i))) };
  }
  const overlay = parsed.data;
  const problems: DefinitionProblem[] = [];
  if (overlay.instrument !== def.id) problems.push({ path: 'instrument', message: `Overlay is for "${overlay.instrument}", not "${def.id}"` });
  if (overlay.version && overlay.version !== def.version)
    problems.push({ path: 'version', message: `Overlay was written for version ${overlay.version}; the definition is ${def.version}` });
  const items = new Map(def.sections.flatMap((s) => s.items).map((i) => [i.id, i]));
  const sections = new Set(def.sections.map((s) => s.id));
  for (const [id, patch] of Object.entries(overlay.items ?? {})) {
    const item = items.get(id);
    if (!item) {
      problems.push({ path: `items.${id}`, message: `Unknown item "${id}"` });
      continue;
    }
    for (const code of Object.keys(patch.options ?? {})) {
      if (!item.options?.some((o) => o.value === Number(code)))
        problems.push({ path: `items.${id}.options.${code}`, message: `Item "${id}" has no inline option ${code}` });
    }
  }
  for (const id of Object.keys(overlay.sections ?? {})) {
    if (!sections.has(id)) problems.push({ path: `sections.${id}`, message: `Unknown section "${id}"` });
  }
  if (overlay.add?.length && overlay.overlay !== 'local')
    problems.push({ path: 'add', message: 'Only a "local" overlay may add questions; set "overlay": "local"' });
  overlay.add?.forEach((a, ai) => {
    const section = def.sections.find((s) => s.id === a.section);
    if (!section) problems.push({ path: `add[${ai}].section`, message: `Unknown section "${a.section}"` });
    else if (a.after && !section.items.some((i) => i.id === a.after))
      problems.push({ path: `add[${ai}].after`, message: `Section "${a.section}" has no item "${a.after}"` });
  });
  if (problems.length === 0 && overlay.add?.length) problems.push(...additionProblems(def, overlay));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, overlay };
}

/** Inserts the overlay's local questions; `at` records, per added item, its path in the overlay file. */
function addLocalItems(def: InstrumentDef, overlay: TextOverlay, at?: Map<ItemDef, string>): InstrumentDef {
  if (!overlay.add?.length) return def;
  const sections = def.sections.map((s) => ({ ...s, items: [...s.items] }));
  overlay.add.forEach((a, ai) => {
    const section = sections.find((s) => s.id === a.section)!;
    const added = (a.items as ItemDef[]).map((item, ii) => {
      const local: ItemDef = { ...item, provenance: 'local', source: item.source ?? overlay.source };
      at?.set(local, `add[${ai}].items[${ii}]`);
      return local;
    });
    const index = a.after ? section.items.findIndex((i) => i.id === a.after) + 1 : section.items.length;
    section.items.splice(index, 0, ...added);
  });
  return { ...def, sections };
}

/** Checks the definition with the additions in place (ids, rounds, expressions) and reports at the overlay's paths. */
function additionProblems(def: InstrumentDef, overlay: TextOverlay): DefinitionProblem[] {
  const at = new Map<ItemDef, string>();
  const merged = addLocalItems(def, overlay, at);
  const result = validateInstrument(merged);
  if (result.ok) return [];
  return result.problems.map((p) => {
    const m = /^sections\[(\d+)\]\.items\[(\d+)\](.*)$/.exec(p.path);
    const item = m ? merged.sections[Number(m[1])]?.items[Number(m[2])] : undefined;
    const path = item && at.get(item);
    return path ? { path: path + m![3], message: p.message } : p;
  });
}

/** Returns a new definition with the overlay's text in place; throws a DefinitionError if the overlay is not valid. */
export function applyOverlay(def: InstrumentDef, doc: unknown): InstrumentDef {
  const result = validateOverlay(doc, def);
  if (!result.ok) throw new DefinitionError(result.problems, 'Text overlay');
  const { items = {}, sections = {} } = result.overlay;
  def = addLocalItems(def, result.overlay);
  const merge = <T extends { sv: string; en: string } | undefined>(base: T, patch?: { sv?: string; en?: string }) =>
    patch && base ? { ...base, ...patch } : base;
  return {
    ...def,
    sections: def.sections.map((s) => ({
      ...s,
      title: merge(s.title, sections[s.id]?.title),
      // Like item help: an overlay may add help a section lacks (a missing language falls back to the title).
      ...(s.help || sections[s.id]?.help ? { help: { ...(s.help ?? s.title), ...sections[s.id]?.help } } : {}),
      items: s.items.map((item) => {
        const patch = items[item.id];
        if (!patch) return item;
        return {
          ...item,
          text: merge(item.text, patch.text),
          ...(item.help || patch.help ? { help: { ...(item.help ?? item.text), ...patch.help } } : {}),
          ...(item.options
            ? { options: item.options.map((o) => ({ ...o, label: merge(o.label, patch.options?.[String(o.value)]) })) }
            : {}),
        };
      }),
    })),
  };
}

export function compileWithOverlays(def: InstrumentDef, overlays: unknown[]): CompiledInstrument {
  return compileInstrument(overlays.reduce<InstrumentDef>((d, o) => applyOverlay(d, o), def));
}
