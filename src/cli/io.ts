// Shared CLI helpers: the command shape, argument parsing, reading JSON files safely and finding an instrument by id or path.
import { readFile, stat } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BUILTIN_INSTRUMENTS, builtinDefinition, resolveDefinition, type InstrumentDef } from '../core/definition/index.js';

/** One subcommand of `asi-interview`; `run` resolves to the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Bad arguments: the dispatcher prints the message and the command's usage, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A file that cannot be read or parsed, or an instrument that cannot be found; the message names no data. */
export class InputError extends Error {
  override name = 'InputError';
}

export const MAX_INPUT_BYTES = 20 * 1024 * 1024;

export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Reads and parses a JSON file of at most 20 MB; syntax errors give the line and column, never the file's content. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new InputError(info.isDirectory() ? 'Is a directory, not a file' : 'Not a regular file');
    if (info.size > MAX_INPUT_BYTES)
      throw new InputError(`File is ${(info.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'File not found' : code === 'EACCES' ? 'Permission denied' : String(error));
  }
  return parseJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8's message may quote the input; keep only its description of the fault.
    const reason = message
      .replace(/, (?:\.\.\.)?".*is not valid JSON$/s, '')
      .replace(/ at position \d+.*$/s, '')
      .replace(/ in JSON$/, '');
    // V8 gives the position of most faults, but not of an unexpected token; then scan for it.
    const position = /at position (\d+)/.exec(message)?.[1];
    const offset = position !== undefined ? Number(position) : Math.max(0, syntaxErrorOffset(text));
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new InputError(`Invalid JSON at line ${line}, column ${column}: ${reason}`);
  }
}

/** Offset of the first JSON syntax error, or -1. Iterative, so deeply nested input cannot overflow the stack. */
function syntaxErrorOffset(text: string): number {
  const stack: string[] = [];
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  let i = 0;
  const ws = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  const str = (): boolean => {
    for (i++; ; ) {
      const c = text.charCodeAt(i);
      if (!(c >= 0x20)) return false;
      i++;
      if (c === 34) return true;
      if (c === 92) {
        if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
        else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else return false;
      }
    }
  };
  const key = (): boolean => {
    ws();
    if (text[i] !== '"' || !str()) return false;
    ws();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  for (;;) {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (text[i] !== (c === '{' ? '}' : ']')) {
        stack.push(c);
        if (c === '{' && !key()) return i;
        continue;
      }
      i++;
    } else if (c === '"') {
      if (!str()) return i;
    } else if (c === 't' || c === 'f' || c === 'n') {
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      for (const letter of word) if (text[i++] !== letter) return i - 1;
    } else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) return i;
      i = NUMBER.lastIndex;
    }
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < text.length ? i : -1;
      if (text[i] === ',') {
        i++;
        if (top === '{' && !key()) return i;
        break;
      }
      if (text[i] !== (top === '{' ? '}' : ']')) return i;
      i++;
      stack.pop();
    }
  }
}

export function isBuiltinInstrument(id: string): boolean {
  return BUILTIN_INSTRUMENTS.includes(id);
}

/**
 * A validated definition from a built-in id (`demo`) or a path to a definition file. A bare name that is a built-in
 * id means the built-in; anything with a slash or ending in .json is a path.
 */
export async function resolveInstrument(ref: string): Promise<InstrumentDef> {
  const isPath = /[\\/]|\.json$/i.test(ref);
  let doc: unknown;
  if (!isPath && isBuiltinInstrument(ref)) doc = await builtinDefinition(ref);
  else {
    try {
      doc = await readJsonFile(ref);
    } catch (error) {
      if (!isPath && error instanceof InputError && error.message === 'File not found')
        throw new InputError(`No built-in instrument "${ref}" (built-in: ${BUILTIN_INSTRUMENTS.join(', ')}) and no file by that name`);
      throw new InputError(`${ref}: ${(error as Error).message}`);
    }
  }
  const result = await resolveDefinition(doc, builtinDefinition);
  if (!result.ok)
    throw new InputError(
      `${ref} is not a valid instrument definition (${result.problems.length} problem(s)); see: asi-interview validate ${ref}`,
    );
  return result.definition;
}
