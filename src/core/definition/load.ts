// Loading a definition: shape guards, zod validation, cross-reference checks, then compilation.
import { crossCheck, type PathSegment } from './checks.js';
import { compileInstrument, type CompiledInstrument } from './compiled.js';
import { DefinitionError, describeAt, formatPath, guardShape, type DefinitionProblem } from './problems.js';
import { Instrument, type InstrumentDef } from './schema.js';

/** The instrument schema with the cross-reference checks attached, so one parse reports every problem. */
export const CheckedInstrument = Instrument.superRefine((def, ctx) =>
  crossCheck(def as InstrumentDef, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
);

export type ValidationResult = { ok: true; definition: InstrumentDef } | { ok: false; problems: DefinitionProblem[] };

export function validateInstrument(doc: unknown): ValidationResult {
  const guard = guardShape(doc);
  if (guard.length > 0) return { ok: false, problems: guard };
  const result = CheckedInstrument.safeParse(doc);
  if (result.success) return { ok: true, definition: result.data as InstrumentDef };
  return { ok: false, problems: result.error.issues.map((issue) => describeAt(doc, issue.path as PathSegment[], issue.message)) };
}

/** Validates and compiles; throws a DefinitionError listing every problem with its JSON path. */
export function loadInstrument(doc: unknown): CompiledInstrument {
  const result = validateInstrument(doc);
  if (!result.ok) throw new DefinitionError(result.problems);
  return compileInstrument(result.definition);
}

export { formatPath };
