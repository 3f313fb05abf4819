// The validate command: checks instrument definitions and text overlays and prints every problem with its JSON path.
import {
  BUILTIN_INSTRUMENTS,
  TextOverlay,
  describeAt,
  guardShape,
  isOverlayDocument,
  resolveDefinition,
  builtinDefinition,
  validateOverlay,
  type DefinitionProblem,
  type InstrumentDef,
} from '../core/definition/index.js';
import { InputError, UsageError, isBuiltinInstrument, parseCommandArgs, readJsonFile, resolveInstrument, type Command } from './io.js';

interface FileReport {
  file: string;
  problems: DefinitionProblem[];
  /** What the valid file is, for the ✓ line. */
  summary?: string;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check instrument definitions and text overlays',
  usage: `Usage: asi-interview validate <file> [<file>...] [--instrument <id|path>] [--json]

Checks each file: an instrument definition, or a text overlay ("overlay": "text").
An overlay is checked against --instrument (a built-in id such as ${BUILTIN_INSTRUMENTS.join(', ')}, or a path to a
definition file), or else against the built-in instrument named in its "instrument" field.

  --instrument <id|path>  the instrument that overlays apply to
  --json                  print one JSON object per file: {"file", "valid", "problems": [{"path", "message"}]}

Exit status: 0 if every file is valid, 1 if any is invalid or unreadable, 2 for usage errors.`,

  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      instrument: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length === 0) throw new UsageError('Give at least one file to validate');
    const instruments = new Map<string, Promise<InstrumentDef>>();
    const load = (ref: string) => {
      let def = instruments.get(ref);
      if (!def) instruments.set(ref, (def = resolveInstrument(ref)));
      return def;
    };
    let allValid = true;
    for (const file of positionals) {
      const report = await checkFile(file, values.instrument, load);
      if (report.problems.length > 0) allValid = false;
      process.stdout.write(values.json ? jsonLine(report) : textLines(report));
    }
    return allValid ? 0 : 1;
  },
};

async function checkFile(file: string, instrumentRef: string | undefined, load: (ref: string) => Promise<InstrumentDef>): Promise<FileReport> {
  let doc: unknown;
  try {
    doc = await readJsonFile(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { file, problems: [{ path: '', message: error.message }] };
  }

  if (!isOverlayDocument(doc)) {
    // Embedded instruments are taken from the built-ins (a file may embed "audit" like DOK does).
    const result = await resolveDefinition(doc, builtinDefinition);
    if (!result.ok) return { file, problems: result.problems };
    const def = result.definition;
    const items = def.sections.reduce((n, s) => n + s.items.length, 0);
    return { file, problems: [], summary: `${def.id}@${def.version}, ${items} items, ${def.rounds.length} rounds` };
  }

  const named = (doc as { instrument?: unknown }).instrument;
  const ref = instrumentRef ?? (typeof named === 'string' && isBuiltinInstrument(named) ? named : undefined);
  if (ref === undefined) {
    const problem: DefinitionProblem =
      typeof named === 'string'
        ? {
            path: 'instrument',
            message: `"${named}" is not a built-in instrument (built-in: ${BUILTIN_INSTRUMENTS.join(', ')}); pass its definition with --instrument <path>`,
          }
        : { path: '', message: 'The overlay names no instrument; add "instrument": "<id>" or pass --instrument <id|path>' };
    return { file, problems: [problem, ...overlayShapeProblems(doc).filter((p) => p.path !== 'instrument')] };
  }
  let def: InstrumentDef;
  try {
    def = await load(ref);
  } catch (error) {
    if (!(error instanceof InputError) && !(error instanceof Error && error.name === 'DefinitionError')) throw error;
    return { file, problems: [{ path: '', message: `Cannot check the overlay against instrument ${ref}: ${error.message}` }] };
  }
  const result = validateOverlay(doc, def);
  if (!result.ok) return { file, problems: result.problems };
  const { items = {}, sections = {}, add = [] } = result.overlay;
  const added = add.reduce((n, a) => n + a.items.length, 0);
  return {
    file,
    problems: [],
    summary:
      `${result.overlay.overlay} overlay for ${def.id}@${def.version}, ${Object.keys(items).length} items, ` +
      `${Object.keys(sections).length} sections${added ? `, ${added} local questions added` : ''}`,
  };
}

/** The overlay's own structural problems, for when there is no instrument to check it against. */
function overlayShapeProblems(doc: unknown): DefinitionProblem[] {
  const guard = guardShape(doc);
  if (guard.length > 0) return guard;
  const parsed = TextOverlay.safeParse(doc);
  return parsed.success ? [] : parsed.error.issues.map((i) => describeAt(doc, i.path as (string | number)[], i.message));
}

function textLines({ file, problems, summary }: FileReport): string {
  if (problems.length === 0) return `✓ ${file}: ${summary ?? 'valid'}\n`;
  return (
    problems.map((p) => `${file}: ${p.path || '(document)'}: ${p.message}\n`).join('') + `${problems.length} problem(s) in ${file}\n`
  );
}

function jsonLine({ file, problems }: FileReport): string {
  return JSON.stringify({ file, valid: problems.length === 0, problems: problems.map(({ path, message }) => ({ path, message })) }) + '\n';
}
