// Bundles on the command line: read and check files or standard input, merge them, pick the instrument, write JSON in pieces.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BUILTIN_INSTRUMENTS,
  builtinDefinition,
  builtinDefinitionAt,
  compileInstrument,
  loadInstrument,
  type CompiledInstrument,
} from '../core/definition/index.js';
import {
  BundleError,
  DEFAULT_MAX_BUNDLE_BYTES,
  mergeBundles,
  parseBundle,
  type Bundle,
  type BundleProblem,
} from '../core/exchange/bundle.js';
import { isSealedBundle, openSealedBundle } from '../core/exchange/sealed-bundle.js';
import { InputError, UsageError, parseJson, resolveInstrument } from './io.js';

/** How a file is named in messages: standard input has no name of its own. */
export const displayName = (file: string) => (file === '-' ? '<stdin>' : file);

const tooLarge = (file: string) =>
  new InputError(`${displayName(file)}: larger than ${DEFAULT_MAX_BUNDLE_BYTES / 1024 / 1024} MB, the most a bundle may be`);

export async function readText(file: string): Promise<string> {
  if (file === '-') {
    if (process.stdin.isTTY) process.stderr.write('Reading a bundle from standard input (end with Ctrl-D)\n');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > DEFAULT_MAX_BUNDLE_BYTES) throw tooLarge(file);
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new InputError(`${file}: ${info.isDirectory() ? 'Is a directory, not a file' : 'Not a regular file'}`);
    if (info.size > DEFAULT_MAX_BUNDLE_BYTES) throw tooLarge(file);
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === 'ENOENT' ? 'File not found' : code === 'EACCES' ? 'Permission denied' : String(error)}`);
  }
}

/**
 * A message that is safe on standard error: the bundle check quotes a rejected answer value, and the JSON parser's
 * message may quote the text, so both are reworded without the data.
 */
function safeMessage(problem: BundleProblem, text: string): string {
  if (/^answers\[\d+\]\.value$/.test(problem.path)) return problem.message.replace(/^.*? is not a valid answer to /s, 'The value is not a valid answer to ');
  if (problem.path === '' && problem.message.startsWith('The file is not valid JSON')) {
    try {
      parseJson(text);
    } catch (error) {
      return (error as Error).message;
    }
  }
  return problem.message;
}

/** Resolves id@version to a definition: `extra` (a definition file given on the command line) or a built-in one. */
export function instrumentResolver(extra?: CompiledInstrument) {
  const cache = new Map<string, Promise<CompiledInstrument | undefined>>();
  return (id: string, version: string): Promise<CompiledInstrument | undefined> => {
    if (extra && extra.id === id && extra.version === version) return Promise.resolve(extra);
    if (!BUILTIN_INSTRUMENTS.includes(id)) return Promise.resolve(undefined);
    // The version each record names, current or archived: never another version of the same instrument.
    const key = `${id}@${version}`;
    let loading = cache.get(key);
    if (!loading) cache.set(key, (loading = builtinDefinitionAt(id, version).then((doc) => (doc === undefined ? undefined : loadInstrument(doc)))));
    return loading;
  };
}

export interface LoadedBundles {
  /** All inputs merged (a single input as it is). */
  bundle: Bundle;
  files: string[];
}

/**
 * Reads every file (`-` is standard input), checks each with parseBundle and merges them. Any problem throws an
 * InputError listing file, JSON path and message, before anything is written.
 */
export async function loadBundles(files: readonly string[], extra?: CompiledInstrument, passphrase?: string): Promise<LoadedBundles> {
  if (files.filter((f) => f === '-').length > 1) throw new UsageError('Standard input (-) can be read only once');
  const resolve = instrumentResolver(extra);
  const bundles: Bundle[] = [];
  for (const file of files) {
    const text = await readText(file);
    const plain = await openedText(file, text, passphrase);
    const result = await parseBundle(plain.charCodeAt(0) === 0xfeff ? plain.slice(1) : plain, { resolveInstrument: resolve });
    if (!result.ok) {
      const name = displayName(file);
      const lines = result.problems.map((p) => `  ${name}: ${p.path || '(bundle)'}: ${safeMessage(p, text)}`);
      throw new InputError(`${name} is not a valid bundle (${result.problems.length} problem(s)):\n${lines.join('\n')}`);
    }
    bundles.push(result.bundle);
  }
  if (bundles.length === 1) return { bundle: bundles[0]!, files: [...files] };
  try {
    return { bundle: mergeBundles(bundles), files: [...files] };
  } catch (error) {
    if (!(error instanceof BundleError)) throw error;
    // Merge problems are addressed [b].interviews[i]: name the file instead of its position.
    const lines = error.problems.map((p) => {
      const m = /^\[(\d+)\]\.?(.*)$/.exec(p.path);
      const where = m ? `${displayName(files[Number(m[1])] ?? '?')}: ${m[2]}` : p.path || '(bundles)';
      return `  ${where}: ${p.message.replace(/bundle (\d+)/g, (_, n: string) => displayName(files[Number(n) - 1] ?? `bundle ${n}`))}`;
    });
    throw new InputError(`The bundles cannot be merged (${error.problems.length} conflict(s)):\n${lines.join('\n')}`);
  }
}

/** The bundle text of a file: as it is, or opened with the passphrase if it is an encrypted backup. */
export async function openedText(file: string, text: string, passphrase: string | undefined): Promise<string> {
  if (!isSealedBundle(text)) return text;
  if (passphrase === undefined) throw new InputError(`${displayName(file)} is an encrypted backup: give its passphrase with --passphrase-file <file>`);
  try {
    return await openSealedBundle(text, passphrase);
  } catch (error) {
    throw new InputError(`${displayName(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Reads a passphrase from a file (first line), never from the command line, where other users could see it. */
export async function passphraseOption(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const text = await readText(file);
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new InputError(`${displayName(file)}: the passphrase file is empty`);
  return line;
}

/** Ids of the instruments a bundle's interviews were taken with, in the order listed. */
export function instrumentIds(bundle: Bundle): string[] {
  return [...new Set(bundle.instruments.map((r) => r.id))];
}

/** The definition given as --instrument (a built-in id or a definition file), compiled. */
export async function instrumentOption(ref: string | undefined): Promise<CompiledInstrument | undefined> {
  return ref === undefined ? undefined : compileInstrument(await resolveInstrument(ref));
}

/**
 * The one instrument a per-instrument output is about: the --instrument definition, else the bundle's only
 * instrument (built in). Several in the bundle and none chosen is a usage error listing them.
 */
export async function chooseInstrument(bundle: Bundle, given: CompiledInstrument | undefined, ref: string | undefined): Promise<CompiledInstrument> {
  const ids = instrumentIds(bundle);
  const listed = bundle.instruments.map((r) => `${r.id}@${r.version}`).join(', ') || 'none';
  if (given) {
    if (!ids.includes(given.id)) throw new UsageError(`The bundle has no interviews of instrument "${ref ?? given.id}" (instruments in the bundle: ${listed})`);
    return given;
  }
  if (ids.length === 0) throw new UsageError('The bundle has no interviews; name the instrument with --instrument <id|path>');
  if (ids.length > 1) throw new UsageError(`The bundle holds several instruments (${listed}); choose one with --instrument <id|path>`);
  const id = ids[0]!;
  if (!BUILTIN_INSTRUMENTS.includes(id)) {
    throw new InputError(`Instrument "${id}" is not built in; give its definition file with --instrument <path>`);
  }
  return loadInstrument(await builtinDefinition(id));
}

// ---------------------------------------------------------------------------------------------------------------
// Output

export interface Output {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  /** Characters written so far. */
  readonly written: number;
}

/** Standard output, or a file (its directory created); writes wait for the reader, so output never piles up. */
export async function openOutput(file: string | undefined): Promise<Output> {
  let written = 0;
  if (file === undefined || file === '-') {
    return {
      get written() {
        return written;
      },
      write(text) {
        written += text.length;
        if (process.stdout.write(text)) return Promise.resolve();
        return new Promise((resolve) => process.stdout.once('drain', resolve));
      },
      close: () => Promise.resolve(),
    };
  }
  await mkdir(dirname(file), { recursive: true });
  const stream = createWriteStream(file);
  let failure: Error | undefined;
  stream.on('error', (error) => (failure = error));
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  }).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`${file}: ${error.code === 'EACCES' ? 'Permission denied' : error.code === 'EISDIR' ? 'Is a directory' : error.message}`);
  });
  return {
    get written() {
      return written;
    },
    write(text) {
      if (failure) return Promise.reject(failure);
      written += text.length;
      if (stream.write(text)) return Promise.resolve();
      // events.once rejects on 'error' and removes its listeners either way.
      return once(stream, 'drain').then(() => undefined);
    },
    close: () =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        stream.end(() => resolve());
        stream.once('error', reject);
      }),
  };
}

/**
 * A JSON document written piece by piece, each element of the `lists` arrays on a line of its own: a large bundle
 * never has to exist as one string (V8 caps strings at about 512 MB), and the file stays readable and diffable.
 */
export async function writeJson(out: Output, doc: Record<string, unknown>, lists: readonly string[]): Promise<void> {
  let buffer = '';
  const flush = async (force = false) => {
    if (buffer.length > (force ? 0 : 1 << 20)) {
      const text = buffer;
      buffer = '';
      await out.write(text);
    }
  };
  const entries = Object.entries(doc).filter(([, v]) => v !== undefined);
  buffer += '{';
  for (const [i, [key, value]] of entries.entries()) {
    buffer += `${i ? ',\n' : ''}${JSON.stringify(key)}:`;
    if (!lists.includes(key) || !Array.isArray(value) || value.length === 0) {
      buffer += JSON.stringify(value);
      continue;
    }
    buffer += '[\n';
    for (const [j, element] of value.entries()) {
      buffer += `${j ? ',\n' : ''}${JSON.stringify(element)}`;
      await flush();
    }
    buffer += '\n]';
  }
  buffer += '}\n';
  await flush(true);
}

export const BUNDLE_LISTS = ['instruments', 'clients', 'interviews', 'answers', 'audit', 'scores'] as const;

export function writeBundle(out: Output, bundle: Bundle): Promise<void> {
  return writeJson(out, bundle as unknown as Record<string, unknown>, BUNDLE_LISTS);
}
