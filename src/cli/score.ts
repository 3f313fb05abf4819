// The score command: reads answers as JSON Lines and writes every score of the round per line, streaming.
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import {
  checkAnswer,
  compileInstrument,
  isAnswered,
  type AnswerValue,
  type CompiledInstrument,
} from '../core/definition/index.js';
import { planInterview, type StoredAnswer } from '../core/flow/plan.js';
import { computeScores } from '../core/scoring/composite.js';
import { InputError, UsageError, parseCommandArgs, parseJson, resolveInstrument, type Command } from './io.js';

/** One output line: the scores of a record, or why the line could not be read. */
export type ScoreLine =
  | { line: number; scores: Record<string, number | null>; missing: Record<string, string[]>; warnings?: string[] }
  | { line: number; error: string };

export interface ScoreSummary {
  /** Records read (blank lines are not records). */
  records: number;
  errors: number;
  /** Lines that carry a `warnings` array. */
  warned: number;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Longest rendering of an offending value or key in a warning: enough to find it, never a dump of the line. */
const SHOW_MAX = 40;

export const scoreCommand: Command = {
  name: 'score',
  summary: 'Compute the scores of answers given as JSON Lines',
  usage: `Usage: asi-interview score --instrument <id|path> [--round <round>] [FILE|-]

Reads JSON Lines from FILE, or from standard input when FILE is - or absent: one object of answers per line,
item id → number, "X" (not answered), "N" (not applicable) or text; -9 and -8 are read as X and N.
Writes one JSON line per record, in input order, to standard output:
  {"line": 3, "scores": {"HEALTH": 0.52, "WORK": null}, "missing": {"WORK": ["W_DAYS"]}}
"line" is the record's line number in the input (blank lines are skipped, but counted). "scores" holds every
score of the round, null when an input is blank, X or N; "missing" names those inputs for each null score.
The instrument's skip and auto-fill rules apply first, so an item it fills in need not be given.
A value the item does not accept counts as missing and is named in a "warnings" array, as are unknown items.
A line that is not a JSON object gives {"line": n, "error": "..."} (also on standard error) and scoring goes on.

  --instrument <id|path>  a built-in instrument id or a path to a definition file
  --round <round>         the round the answers belong to (default: the instrument's first round)

Exit status: 0 if every line was scored, 1 if any line could not be read, 2 for usage errors.`,

  async run(args) {
    const { values, positionals } = parseCommandArgs(args, {
      instrument: { type: 'string' },
      round: { type: 'string' },
    });
    if (values.instrument === undefined) throw new UsageError('Give the instrument: --instrument <id|path>');
    if (positionals.length > 1) throw new UsageError(`Give at most one input file (got ${positionals.length})`);
    const instrument = compileInstrument(await resolveInstrument(values.instrument));
    const round = values.round ?? instrument.def.rounds[0]!.id;
    if (!instrument.round(round))
      throw new UsageError(`Unknown round "${round}" (rounds of ${instrument.id}: ${instrument.def.rounds.map((r) => r.id).join(', ')})`);

    const file = positionals[0] ?? '-';
    const input = file === '-' ? process.stdin : await openInput(file);
    if (file === '-' && process.stdin.isTTY)
      process.stderr.write('Reading answers from standard input, one JSON object per line (end with Ctrl-D)\n');
    const lines = createInterface({ input, crlfDelay: Infinity });
    const summary = await scoreLines(instrument, round, lines, writeStdout, (message) =>
      process.stderr.write(`asi-interview score: ${message}\n`),
    );
    // Warnings stay on stdout beside their line (they may quote a value); stderr only says that there are some.
    if (summary.warned > 0)
      process.stderr.write(`asi-interview score: ${summary.warned} line(s) with warnings; see their "warnings" in the output\n`);
    return summary.errors > 0 ? 1 : 0;
  },
};

async function openInput(file: string): Promise<Readable> {
  try {
    const handle = await open(file, 'r');
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new InputError(`${file}: ${info.isDirectory() ? 'Is a directory, not a file' : 'Not a regular file'}`);
    }
    return handle.createReadStream({ encoding: 'utf8' });
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'File not found' : code === 'EACCES' ? 'Permission denied' : String(error)}`);
  }
}

/** Honours backpressure, so a slow reader of stdout cannot make output pile up in memory. */
function writeStdout(text: string): void | Promise<void> {
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/**
 * Scores each non-blank line as it arrives and hands `write` one JSON line (with its newline) per record, in order.
 * `report` gets the message of each line that cannot be read; it never contains an answer value.
 */
export async function scoreLines(
  instrument: CompiledInstrument,
  round: string,
  lines: AsyncIterable<string> | Iterable<string>,
  write: (jsonLine: string) => void | Promise<void>,
  report: (message: string) => void = () => {},
): Promise<ScoreSummary> {
  const summary: ScoreSummary = { records: 0, errors: 0, warned: 0 };
  let lineNo = 0;
  for await (let text of lines) {
    lineNo++;
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    summary.records++;
    const result = scoreRecord(instrument, round, text, lineNo);
    if ('error' in result) {
      summary.errors++;
      report(result.error);
    } else if (result.warnings) summary.warned++;
    await write(`${JSON.stringify(result)}\n`);
  }
  return summary;
}

/** Scores one line of input (`lineNo` only labels the result). */
export function scoreRecord(instrument: CompiledInstrument, round: string, text: string, lineNo: number): ScoreLine {
  const read = readRecord(text);
  if (typeof read === 'string') return { line: lineNo, error: `Line ${lineNo}: ${read}` };

  const warnings: string[] = [];
  const answers: Record<string, StoredAnswer> = Object.create(null) as Record<string, StoredAnswer>;
  for (const [id, raw] of Object.entries(read)) {
    const item = instrument.item(id);
    if (!item) {
      warnings.push(`Unknown item ${show(id, false)} ignored`);
      continue;
    }
    if (!item.rounds.has(round)) {
      warnings.push(`${id} is not asked in round ${round}; ignored`);
      continue;
    }
    // JSON null is how a blank is written in JSON; it is not a wrong value.
    if (raw === null) continue;
    const value = fromPaperCode(raw);
    const problem = checkAnswer(instrument, item, value);
    if (problem) {
      warnings.push(`${id}: ${problem.en} (got ${show(raw, true)})`);
      continue;
    }
    answers[id] = { value: value as AnswerValue, source: 'entered' };
  }

  const plan = planInterview(instrument, round, answers);
  for (const step of plan.steps) {
    const entered = answers[step.item.id]?.value;
    if (entered === undefined) continue;
    if (step.state === 'autofill' && entered !== step.value)
      warnings.push(`${step.item.id}: the instrument fills in ${show(step.value, true)} here; the given value is not used`);
    else if (step.state === 'skip' && isAnswered(entered))
      warnings.push(`${step.item.id}: not asked with these answers (its condition is false); the given value is not used`);
  }

  const scores: Record<string, number | null> = {};
  const missing: Record<string, string[]> = {};
  for (const result of computeScores(instrument, round, plan.lookup)) {
    scores[result.scoreId] = result.value;
    if (result.value === null) missing[result.scoreId] = [...result.provenance.missing];
  }
  return { line: lineNo, scores, missing, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** The answers object of a line, or a plain message saying why there is none (never quoting the line). */
function readRecord(text: string): Record<string, unknown> | string {
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (error) {
    // A record is one line, so "line 1" of the parser would only confuse: keep the column.
    return (error as Error).message.replace(/^Invalid JSON at line 1, column/, 'Invalid JSON at column');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const got = doc === null ? 'null' : Array.isArray(doc) ? 'an array' : `a ${typeof doc}`;
    return `Expected an object of answers (item id → value), got ${got}`;
  }
  // JSON.parse makes these own properties, harmless by themselves, but no code downstream should ever meet them.
  for (const key of Object.keys(doc)) if (FORBIDDEN_KEYS.has(key)) return `Key "${key}" is not allowed`;
  return doc as Record<string, unknown>;
}

/** Paper forms and some exports write X and N as -9 and -8. */
function fromPaperCode(value: unknown): unknown {
  if (value === -9 || value === '-9') return 'X';
  if (value === -8 || value === '-8') return 'N';
  return value;
}

/** A short rendering of a value for a warning: JSON for primitives, cut to SHOW_MAX characters. */
function show(value: unknown, quoteStrings: boolean): string {
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = typeof value === 'string' && !quoteStrings ? value : JSON.stringify(value);
  return text.length > SHOW_MAX ? `${text.slice(0, SHOW_MAX)}…` : text;
}
