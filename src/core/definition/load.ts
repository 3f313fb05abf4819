// Loading a definition: embeds resolved, shape guards, zod validation, blocks expanded, cross-reference checks, compilation.
import { crossCheck, type PathSegment } from './checks.js';
import { compileInstrument, type CompiledInstrument } from './compiled.js';
import { blockProblems, expandBlocks, isEmbedEntry, resolveEmbeds, type DefinitionResolver } from './compose.js';
import { DefinitionError, describeAt, formatPath, guardShape, type DefinitionProblem } from './problems.js';
import { Instrument, type InstrumentDef } from './schema.js';

export type ValidationResult = { ok: true; definition: InstrumentDef } | { ok: false; problems: DefinitionProblem[] };

/**
 * Validates a definition document (with any `embed` entries already resolved) and returns it with its blocks
 * expanded. Problems in a block's copies are reported at the block item in the file, naming the section.
 */
export function validateInstrument(doc: unknown): ValidationResult {
  const guard = guardShape(doc);
  if (guard.length > 0) return { ok: false, problems: guard };
  const sections = (doc as { sections?: unknown })?.sections;
  if (Array.isArray(sections) && sections.some(isEmbedEntry)) {
    const at = sections.findIndex(isEmbedEntry);
    return {
      ok: false,
      problems: [{ path: `sections[${at}]`, message: 'An "embed" entry must be resolved first: load the definition with resolveDefinition()' }],
    };
  }
  const parsed = CheckedInstrument.safeParse(doc);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => describeAt(doc, issue.path as PathSegment[], issue.message)) };
  return { ok: true, definition: expandBlocks(parsed.data as InstrumentDef).def };
}

/**
 * The instrument schema with the block and cross-reference checks attached, so one parse reports every problem
 * (zod runs the refinement even when a field elsewhere is malformed). The checks see the blocks expanded; a
 * problem in a block's copy is reported at the block item in the file, naming the section.
 */
export const CheckedInstrument = Instrument.superRefine((written, ctx) => {
  const report = (path: PathSegment[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  blockProblems(written as InstrumentDef, report);
  const { def, origins } = expandBlocks(written as InstrumentDef);
  crossCheck(def, (path, message) => {
    const [s, si, i, ii, ...rest] = path;
    const origin = s === 'sections' && i === 'items' ? origins.get(`${si}:${ii}`) : undefined;
    if (origin) report(['blocks', origin.block, 'items', origin.item, ...rest], `${message} (in the copy ending section "${origin.section}")`);
    else report(path, message);
  });
});

/** Validates and compiles; throws a DefinitionError listing every problem with its JSON path. */
export function loadInstrument(doc: unknown): CompiledInstrument {
  const result = validateInstrument(doc);
  if (!result.ok) throw new DefinitionError(result.problems);
  return compileInstrument(result.definition);
}

/**
 * Resolves the `embed` entries of a document through `resolve` (by default none may appear), then validates it.
 * Throws a DefinitionError naming the entry when an embedded definition cannot be loaded or is not valid.
 */
export async function resolveDefinition(doc: unknown, resolve: DefinitionResolver): Promise<ValidationResult> {
  try {
    return validateInstrument(await resolveEmbeds(doc, resolve, validateInstrument));
  } catch (error) {
    if (error instanceof DefinitionError) return { ok: false, problems: error.problems };
    throw error;
  }
}

export { formatPath };
