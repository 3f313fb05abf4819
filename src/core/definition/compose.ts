// Composing a definition from parts: `blocks` copied to the end of sections, and other definitions embedded by id.
import { tokenize } from '../expression/lexer.js';
import type { PathSegment } from './checks.js';
import { DefinitionError, formatPath, type DefinitionProblem } from './problems.js';
import type { InstrumentDef, ItemDef } from './schema.js';

/** Where an item of an expanded definition was written in the file: its own place, or a block item. */
export interface ItemOrigin {
  block: number;
  item: number;
  section: string;
}

/**
 * Copies each section's `blocks` to its end. A copy's id is `<section id>_<block item id>`, and inside the copy every
 * bare block item id in an expression (or in `critical`) is renamed the same way, so a block reads like ordinary
 * items. Returns the expanded definition (without `blocks`) and, for error paths, where each copied item came from.
 */
export function expandBlocks(def: InstrumentDef): { def: InstrumentDef; origins: Map<string, ItemOrigin> } {
  const origins = new Map<string, ItemOrigin>();
  if (!def.blocks?.length && !def.sections.some((s) => s.blocks?.length)) return { def, origins };
  const blocks = new Map((def.blocks ?? []).map((b, bi) => [b.id, { block: b, bi }]));
  const { blocks: _dropped, ...rest } = def;
  const sections = def.sections.map((section, si) => {
    const { blocks: used = [], ...plain } = section;
    const items = [...section.items];
    for (const blockId of used) {
      const found = blocks.get(blockId);
      if (!found) continue; // reported by blockProblems()
      const rename = new Map(found.block.items.map((i) => [i.id, `${section.id}_${i.id}`]));
      found.block.items.forEach((item, ii) => {
        // A block item's own rounds apply within its section's: a discharge-only item never lands in an intake-only area.
        if (item.rounds && section.rounds && !item.rounds.some((r) => section.rounds!.includes(r))) return;
        origins.set(`${si}:${items.length}`, { block: found.bi, item: ii, section: section.id });
        const copy = renameItem(item, rename);
        items.push(item.rounds && section.rounds ? { ...copy, rounds: item.rounds.filter((r) => section.rounds!.includes(r)) } : copy);
      });
    }
    return { ...plain, items };
  });
  return { def: { ...rest, sections }, origins };
}

function renameItem(item: ItemDef, rename: Map<string, string>): ItemDef {
  const expr = (source: string) => renameInExpression(source, rename);
  return {
    ...item,
    id: rename.get(item.id)!,
    ...(item.when ? { when: expr(item.when) } : {}),
    ...(item.autofill ? { autofill: item.autofill.map((a) => ({ ...a, when: expr(a.when) })) } : {}),
    ...(item.validate ? { validate: item.validate.map((v) => ({ ...v, rule: expr(v.rule) })) } : {}),
    ...(item.critical ? { critical: item.critical.map((id) => rename.get(id) ?? id) } : {}),
  };
}

/** Renames identifiers by token, so strings ("X") and function names are left alone. */
function renameInExpression(source: string, rename: Map<string, string>): string {
  let tokens;
  try {
    tokens = tokenize(source);
  } catch {
    return source; // the cross-reference check reports the syntax error on the copy
  }
  let out = '';
  let at = 0;
  for (const token of tokens) {
    const to = token.kind === 'name' ? rename.get(token.text) : undefined;
    if (to === undefined) continue;
    out += source.slice(at, token.pos) + to;
    at = token.end;
  }
  return out + source.slice(at);
}

/** Problems with blocks themselves: duplicate ids, unknown or repeated block references. */
export function blockProblems(def: InstrumentDef, report: (path: PathSegment[], message: string) => void): void {
  const ids = new Set<string>();
  def.blocks?.forEach((b, bi) => {
    if (ids.has(b.id)) report(['blocks', bi, 'id'], `Duplicate block id "${b.id}"`);
    ids.add(b.id);
  });
  def.sections.forEach((s, si) =>
    s.blocks?.forEach((id, i) => {
      if (!ids.has(id)) report(['sections', si, 'blocks', i], `Unknown block "${id}"${ids.size ? ` (blocks are: ${[...ids].join(', ')})` : ''}`);
      else if (s.blocks!.indexOf(id) !== i) report(['sections', si, 'blocks', i], `Block "${id}" is listed twice`);
    }),
  );
}

/** Loads the raw document of another instrument by id (for the built-ins: builtinDefinition). */
export type DefinitionResolver = (id: string) => Promise<unknown>;

type Raw = Record<string, unknown>;
const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isEmbedEntry = (v: unknown): v is Raw => isRecord(v) && 'embed' in v;

/**
 * Replaces every `{ "embed": "<id>" }` entry of `sections` with the sections of that definition (validated on its own
 * first), asked in the entry's `rounds`, and adds its scales, scores, cut-offs and change parameters. Items keep their
 * own provenance and name their source, and each section records which instrument and version it came from, so
 * nothing is copied into the embedding file and a new AUDIT version reaches DOK without editing DOK.
 * Works on the raw document; everything else is left for validateInstrument() to judge.
 */
export async function resolveEmbeds(
  doc: unknown,
  resolve: DefinitionResolver,
  validate: (doc: unknown) => { ok: true; definition: InstrumentDef } | { ok: false; problems: DefinitionProblem[] },
  chain: string[] = [],
): Promise<unknown> {
  if (!isRecord(doc) || !Array.isArray(doc.sections) || !doc.sections.some(isEmbedEntry)) return doc;
  const problems: DefinitionProblem[] = [];
  const sections: unknown[] = [];
  const extra = { scales: [] as unknown[], scores: [] as unknown[], cutoffs: [] as unknown[], changeParameters: [] as unknown[] };
  const hostRounds = Array.isArray(doc.rounds) ? doc.rounds.filter(isRecord).map((r) => r.id).filter((r): r is string => typeof r === 'string') : [];
  for (const [si, entry] of doc.sections.entries()) {
    if (!isEmbedEntry(entry)) {
      sections.push(entry);
      continue;
    }
    const at = (...rest: PathSegment[]) => formatPath(['sections', si, ...rest]);
    const { embed, version, rounds, ...unknown } = entry;
    for (const key of Object.keys(unknown)) problems.push({ path: at(key), message: `Unknown key "${key}" in an embed entry` });
    if (typeof embed !== 'string') {
      problems.push({ path: at('embed'), message: 'Give the id of the instrument to embed' });
      continue;
    }
    if (embed === doc.id || chain.includes(embed)) {
      problems.push({ path: at('embed'), message: `"${embed}" embeds itself (${[...chain, String(doc.id), embed].join(' → ')})` });
      continue;
    }
    if (rounds !== undefined && !(Array.isArray(rounds) && rounds.length > 0 && rounds.every((r) => typeof r === 'string'))) {
      problems.push({ path: at('rounds'), message: 'Give the rounds as a list of round ids' });
      continue;
    }
    let source: unknown;
    try {
      source = await resolveEmbeds(await resolve(embed), resolve, validate, [...chain, String(doc.id)]);
    } catch (error) {
      const inner = error instanceof DefinitionError ? error.problems.map((p) => `${p.path}: ${p.message}`).join('; ') : (error as Error).message;
      problems.push({ path: at('embed'), message: `Cannot embed "${embed}": ${inner}` });
      continue;
    }
    const result = validate(source);
    if (!result.ok) {
      problems.push(...result.problems.map((p) => ({ path: at('embed'), message: `Embedded "${embed}" is not valid: ${p.path}: ${p.message}` })));
      continue;
    }
    const inner = result.definition;
    if (version !== undefined && version !== inner.version) {
      problems.push({ path: at('version'), message: `Embed asks for "${embed}" version ${String(version)}; the definition is ${inner.version}` });
      continue;
    }
    const asked = (rounds as string[] | undefined) ?? hostRounds;
    for (const s of inner.sections) {
      const { rounds: _r, ...plain } = s;
      sections.push({
        ...plain,
        rounds: asked,
        embedded: { instrument: inner.id, version: inner.version },
        items: s.items.map(({ rounds: _ir, sinceLast: _sl, sinceLastText: _st, ...item }) => ({
          ...item,
          provenance: item.provenance ?? inner.provenance ?? 'source',
          source: item.source ?? `${inner.id} ${inner.version}: ${inner.source}`,
        })),
      });
    }
    extra.scales.push(...(inner.scales ?? []));
    extra.scores.push(...(inner.scores ?? []).map(({ rounds: _r, ...score }) => ({ ...score, rounds: asked })));
    extra.cutoffs.push(...(inner.cutoffs ?? []));
    extra.changeParameters.push(...(inner.changeParameters ?? []));
  }
  if (problems.length > 0) throw new DefinitionError(problems);
  const merged: Raw = { ...doc, sections };
  for (const [key, list] of Object.entries(extra)) {
    if (list.length === 0) continue;
    const own = doc[key];
    merged[key] = [...(Array.isArray(own) ? own : []), ...list];
  }
  return merged;
}
